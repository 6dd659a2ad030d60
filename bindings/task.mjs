// task.mjs - the task recipe of the core (core/task.c through exports_task.c)
// for a loaded descent (taskRecipe(descent)): the task of a target, the output heads that suit it and
// the one chosen, labels encoded for a head and predictions decoded, and
// hidden-layer lists as text. The worker, the page and tuning call these
// rather than deciding the same things again.

import { bool, checkKeys, fail, int, num, oneOf, show, toMatrix, typeOf } from './checks.mjs';

/** The task recipe of a loaded descent (from loadDescent). Kept out of descent.mjs, which stays small. */
export function taskRecipe(descent) {
  if (!descent || !descent.vocabulary || !descent._module) throw fail('taskRecipe', 'descent must be what loadDescent returned');
  return new Task(descent, descent._module, descent.vocabulary);
}

/** The task recipe of one loaded module; d is its Descent, M its Emscripten module. */
class Task {
  #d;
  #M;
  #v;
  #head;

  constructor(d, M, vocabulary) {
    this.#d = d;
    this.#M = M;
    this.#v = vocabulary.vocabularies;
    this.#head = vocabulary.fields.head;
    Object.freeze(this);
  }

  /** A head's doubles (fields.h HEAD) as an object with the vocabulary's names. */
  #unpackHead(p) {
    const M = this.#M;
    const at = this.#head.at;
    const v = M.HEAPF64.subarray(p >> 3, (p >> 3) + this.#head.size);
    return {
      task: this.#v.task[v[at.task]], classes: v[at.classes], units: v[at.units],
      activation: this.#v.activation[v[at.activation]], loss: this.#v.loss[v[at.loss]],
      signedLabels: v[at.signed_labels] !== 0, low: v[at.low], high: v[at.high], threshold: v[at.threshold],
    };
  }

  #packHead(where, h) {
    if (!h || typeof h !== 'object') throw fail(where, `head must be a head (from chooseHead or headOf), got ${typeOf(h)}`);
    const at = this.#head.at;
    const out = new Float64Array(this.#head.size);
    out[at.task] = oneOf(where, 'head.task', h.task, this.#v.task);
    out[at.classes] = int(where, 'head.classes', h.classes, 0, 0, 2 ** 31 - 1);
    out[at.units] = int(where, 'head.units', h.units, undefined, 1, 2 ** 31 - 1);
    out[at.activation] = oneOf(where, 'head.activation', h.activation, this.#v.activation);
    out[at.loss] = oneOf(where, 'head.loss', h.loss, this.#v.loss);
    out[at.signed_labels] = bool(where, 'head.signedLabels', h.signedLabels, false) ? 1 : 0;
    out[at.low] = num(where, 'head.low', h.low, 0);
    out[at.high] = num(where, 'head.high', h.high, 1);
    // NaN for heads without a threshold (more classes, regression), as chooseHead gives it.
    out[at.threshold] = typeof h.threshold === 'number' ? h.threshold : num(where, 'head.threshold', h.threshold, NaN);
    return out;
  }

  /**
   * The task of a target column: requested ('auto', 'classification' or
   * 'regression') as it is unless 'auto'; with 'auto' classification for
   * text, or integers with few distinct values, else regression.
   */
  detect(requested, { text = false, allInteger = false, distinct = 0 } = {}) {
    const where = 'task.detect';
    const r = oneOf(where, 'requested', requested, this.#v.task);
    const n = num(where, 'distinct', distinct, 0);
    return this.#v.task[this.#M._dj_task_detect(r, bool(where, 'text', text) ? 1 : 0,
      bool(where, 'allInteger', allInteger) ? 1 : 0, n)];
  }

  /** A generator's task ('classification' or 'regression') and its feature count. */
  generator(name) {
    const g = oneOf('task.generator', 'name', name, this.#v.generator);
    return { task: this.#v.task[this.#M._dj_generator_task(g)], features: this.#M._dj_generator_features(g) };
  }

  /** The outputs (vocabulary 'output') that suit a task with classes classes, 'auto' first. */
  outputs(task, classes = 0) {
    const where = 'task.outputs';
    const t = oneOf(where, 'task', task, this.#v.task);
    const c = int(where, 'classes', classes, 0, 0, 2 ** 31 - 1);
    return this.#v.output.filter((_, o) => this.#M._dj_output_allowed(o, t, c));
  }

  /** output when it suits the task, else the task's default (never 'auto'). */
  resolveOutput(output, task, classes = 0) {
    const where = 'task.resolveOutput';
    const o = oneOf(where, 'output', output, this.#v.output);
    const t = oneOf(where, 'task', task, this.#v.task);
    return this.#v.output[this.#M._dj_output_resolve(o, t, int(where, 'classes', classes, 0, 0, 2 ** 31 - 1))];
  }

  /**
   * The output head for a task: {task, classes, outputs (target columns for
   * regression), output ('auto' or a named head), activation?, loss? (to
   * override the head's)} -> {task, classes, units, activation, loss,
   * signedLabels, low, high, threshold}.
   */
  chooseHead(options) {
    const where = 'task.chooseHead';
    checkKeys(where, options, ['task', 'classes', 'outputs', 'output', 'activation', 'loss'], 'options');
    const v = this.#v;
    const task = oneOf(where, 'task', options.task === undefined ? 'auto' : options.task, v.task);
    const classes = int(where, 'classes', options.classes, 0, 0, 2 ** 31 - 1);
    const outputs = int(where, 'outputs', options.outputs, 1, 1, 2 ** 31 - 1);
    const output = oneOf(where, 'output', options.output === undefined ? 'auto' : options.output, v.output);
    const activation = options.activation === undefined ? -1 : oneOf(where, 'activation', options.activation, v.activation);
    const loss = options.loss === undefined ? -1 : oneOf(where, 'loss', options.loss, v.loss);
    return this.#d._scoped(where, (s, M) => {
      const out = s.alloc('the head', this.#head.size, 8);
      this.#d._check(where, M._dj_head_choose(task, classes, outputs, output, activation, loss, out));
      return this.#unpackHead(out);
    });
  }

  /** The head a model was made with (its class names or loss say classification). */
  headOf(model) {
    const where = 'task.headOf';
    return this.#d._scoped(where, (s, M) => {
      const out = s.alloc('the head', this.#head.size, 8);
      this.#d._check(where, M._dj_head_of_model(this.#d._modelPointer(where, model), out));
      return this.#unpackHead(out);
    });
  }

  /** Class indices as a classification head's targets: a Float32Array of labels.length x head.units. */
  encode(head, labels) {
    const where = 'task.encode';
    const h = this.#packHead(where, head);
    if (!labels || typeof labels.length !== 'number') throw fail(where, `labels must be an array of class indices, got ${typeOf(labels)}`);
    const l = Int32Array.from(labels, (c, i) => {
      if (!Number.isInteger(c)) throw fail(where, `labels[${i}] = ${show(c)} is not a class index`);
      return c;
    });
    const units = h[this.#head.at.units];
    return this.#d._scoped(where, (s, M) => {
      const y = s.alloc('the targets', l.length, units, 4);
      this.#d._check(where, M._dj_head_encode(s.f64(h, 'the head'), s.i32(l, 'labels'), l.length, y));
      return M.HEAPF32.slice(y >> 2, (y >> 2) + l.length * units);
    });
  }

  /** A classification head's predictions (rows x head.units) as class indices (an Int32Array). */
  decode(head, pred) {
    const where = 'task.decode';
    const h = this.#packHead(where, head);
    const units = h[this.#head.at.units];
    const p = toMatrix(where, 'pred', pred, units);
    const n = p.length / units;
    return this.#d._scoped(where, (s, M) => {
      const labels = s.alloc('the classes', n, 4);
      this.#d._check(where, M._dj_head_decode(s.f64(h, 'the head'), s.f32(p, 'pred'), n, labels));
      return M.HEAP32.slice(labels >> 2, (labels >> 2) + n);
    });
  }

  /** A two-class head's outputs as the probability of class 1, each in [0, 1] (NaN for other heads). */
  probability(head, outputs) {
    const where = 'task.probability';
    const h = this.#packHead(where, head);
    const values = toMatrix(where, 'outputs', outputs, 1);
    return this.#d._scoped(where, (s, M) => {
      const p = s.f32(values, 'outputs');
      M._dj_head_probability(s.f64(h, 'the head'), p, values.length);
      return M.HEAPF32.slice(p >> 2, (p >> 2) + values.length);
    });
  }

  /**
   * A hidden-layer list as text ('16,16', '16x16', '8', 'none', '16:relu,8:tanh')
   * -> {units: number[], activations: (string|null)[]} (null: the text names none).
   */
  parseHidden(text) {
    const where = 'task.parseHidden';
    if (typeof text !== 'string') throw fail(where, `text must be a string, got ${typeOf(text)}`);
    const max = this.#d.vocabulary.limits.hidden;
    return this.#d._scoped(where, (s, M) => {
      const units = s.alloc('the units', max, 4);
      const acts = s.alloc('the activations', max, 4);
      const count = s.alloc('the count', 4);
      this.#d._check(where, M._dj_hidden_parse(s.str(text, 'text'), max, units, acts, count));
      const n = M.HEAP32[count >> 2];
      return {
        units: Array.from(M.HEAP32.subarray(units >> 2, (units >> 2) + n)),
        activations: Array.from(M.HEAP32.subarray(acts >> 2, (acts >> 2) + n), (a) => (a < 0 ? null : this.#v.activation[a])),
      };
    });
  }

  /** The inverse of parseHidden: '16x16', 'none', or with activations '16:relu,8:tanh'. */
  formatHidden(units, activations) {
    const where = 'task.formatHidden';
    const max = this.#d.vocabulary.limits.hidden;
    if (!Array.isArray(units) || units.length > max) throw fail(where, `units must be an array of at most ${max} layer sizes, got ${show(units)}`);
    const u = Int32Array.from(units, (n, i) => int(where, `units[${i}]`, n, undefined, 1, this.#d.vocabulary.limits.units));
    let a = null;
    if (activations !== undefined && activations !== null) {
      if (!Array.isArray(activations) || activations.length !== units.length) {
        throw fail(where, `activations must be an array of ${units.length} activations, got ${show(activations)}`);
      }
      a = Int32Array.from(activations, (name, i) => oneOf(where, `activations[${i}]`, name, this.#v.activation));
    }
    return this.#d._scoped(where, (s, M) => {
      const size = 32 * (u.length + 1);
      const buf = s.alloc('the text', size);
      M._dj_hidden_format(s.i32(u, 'units'), a ? s.i32(a, 'activations') : 0, u.length, buf, size);
      return M.UTF8ToString(buf);
    });
  }

  /** A numeric class's name as the CSV reader gives it ('3', '0.5'; more digits where previous would read the same). */
  className(value, previous = null) {
    const where = 'task.className';
    const v = num(where, 'value', value, undefined);
    if (previous !== null && typeof previous !== 'string') throw fail(where, `previous must be a string or null, got ${typeOf(previous)}`);
    return this.#d._scoped(where, (s, M) => {
      const buf = s.alloc('the name', 64);
      return M.UTF8ToString(M._dj_class_name_numeric(v, previous === null ? 0 : s.str(previous, 'previous'), buf, 64));
    });
  }
}
