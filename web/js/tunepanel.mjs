// tunepanel.mjs - the Tune panel: a hyper-parameter search (grid or random,
// k-fold cross-validation) over the playground's training rows, run by a pool
// of workers (lib/tune-pool.mjs, loaded on the first search), with a live
// ranked table, a heatmap of the mean score over two parameters, each
// configuration's fold curves, cancel, and "use the best".

import uPlot from '../vendor/uPlot.mjs';

/** More configurations than this are refused: a search is meant to finish while one watches. */
const MAX_CONFIGS = 500;
/** Epochs a search may train each configuration for (the playground allows more). */
const MAX_EPOCHS = 10000;
/** Bins of a heatmap axis drawn from a range (random search). */
const BINS = 8;

const OPTIMIZERS = [['sgd', 'SGD'], ['momentum', 'momentum'], ['nesterov', 'Nesterov'], ['adagrad', 'AdaGrad'], ['rmsprop', 'RMSprop'], ['adam', 'Adam']];
const ACTIVATIONS = [['relu', 'ReLU'], ['leaky_relu', 'leaky ReLU'], ['tanh', 'tanh'], ['sigmoid', 'sigmoid'], ['linear', 'linear']];

/**
 * The parameters a search can vary, in the order descent lists them. kind:
 * rate (a positive real, drawn log-uniform), int, choice or layers; grid and
 * random: what the field starts with in each mode.
 */
const PARAMS = [
  { key: 'learningRate', label: 'learning rate', short: 'lr', kind: 'rate', min: 0, max: 10, exclusiveMin: true, grid: '0.001, 0.01, 0.1', random: '0.0001..0.3', on: true },
  { key: 'batchSize', label: 'batch size', short: 'batch', kind: 'int', min: 1, grid: '10, 50', random: '4..128', on: true },
  { key: 'optimizer', label: 'optimizer', short: 'optimizer', kind: 'choice', choices: OPTIMIZERS, grid: ['sgd', 'adam'] },
  { key: 'layers', label: 'hidden layers', short: 'layers', kind: 'layers', grid: '8; 16,16', random: '8; 16,16; 32,32' },
  { key: 'activation', label: 'activation', short: 'activation', kind: 'choice', choices: ACTIVATIONS, grid: ['relu', 'tanh'] },
  { key: 'l2', label: 'L2 rate', short: 'l2', kind: 'rate', min: 0, max: 1, grid: '0, 0.001, 0.01', random: '0.00001..0.01' },
  { key: 'epochs', label: 'epochs', short: 'epochs', kind: 'int', min: 1, max: MAX_EPOCHS, grid: '50, 100, 200', random: '20..300' },
];
const PARAM = Object.fromEntries(PARAMS.map((p) => [p.key, p]));

const METRIC_LABELS = { loss: 'loss', accuracy: 'accuracy', f1: 'F1', r2: 'R²', rmse: 'RMSE' };
const METRICS_FOR = { classification: ['accuracy', 'f1', 'loss'], regression: ['r2', 'rmse', 'loss'] };

/** viridis, dark (worse) to bright (better) */
const RAMP = [[68, 1, 84], [65, 68, 135], [42, 120, 142], [34, 168, 132], [122, 209, 81], [253, 231, 37]];
/** One colour per fold in the curves: training solid, validation dashed. */
const FOLD_COLOURS = ['#1769aa', '#e8710a', '#2e9e44', '#b8336a', '#7a5cc7', '#8c6d1f', '#0f8b8d', '#d1495b', '#5b6573', '#3d5a80'];

const fmt = (v, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(2));
const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 10000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);

/** A parameter's value as text: '16x16' and 'none' for layers. */
function valueText(key, v) {
  if (key === 'layers') return v.length ? v.join('x') : 'none';
  if (Number.isInteger(v)) return String(v);
  if (typeof v === 'number') return fmt(v, 3);
  return String(v);
}

/** A value's identity on a heatmap axis. */
const valueKey = (key, v) => (key === 'layers' ? v.join('x') : String(v));

function colour(t) {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * f));
  return { css: `rgb(${c[0]},${c[1]},${c[2]})`, light: c[0] * 0.299 + c[1] * 0.587 + c[2] * 0.114 > 140 };
}

/**
 * The panel. hooks: act(fn) runs fn as a page action (errors shown in the
 * banner), InputError the page's error for a user's value, showError(text),
 * current() the playground's settings and rows count, rows() the training
 * rows to search over, apply(config) loads a configuration into the
 * playground.
 */
export class TunePanel {
  #root;
  #hooks;
  #el = {};
  #pool = null;
  #rank = null;
  #run = null;          // the search shown: {plan, results[], ranked[], done, total, started, ended, cancelled, test, error}
  #selected = null;     // the configuration index whose curves are shown
  #chosen = false;      // picked by the user; until then the best so far is shown
  #cursor = { x: 0, y: 0 };
  #cells = null;        // the heatmap as drawn: {x, y, cols, rows, grid, rect}
  #curves = null;       // the uPlot of the selected configuration's folds
  #dirty = false;
  #scheduled = false;
  #timer = 0;
  #input = null;        // the data and options of the latest search, for tests

  constructor(root, hooks) {
    this.#root = root;
    this.#hooks = hooks;
    const $ = (id) => root.querySelector(`#${id}`);
    for (const id of ['tune-details', 'tune-params', 'tune-grid', 'tune-random', 'tune-draws', 'tune-folds', 'tune-metric',
      'tune-seed', 'tune-test', 'tune-start', 'tune-cancel', 'tune-best', 'tune-plan', 'tune-progress', 'tune-status',
      'tune-test-score', 'tune-x', 'tune-y', 'tune-heatmap', 'tune-legend', 'tune-curves', 'tune-curves-title',
      'tune-table', 'tune-results', 'tune-map-title']) {
      this.#el[id.slice(5)] = $(id);
    }
    this.#build();
    this.#wire();
    this.refresh();
  }

  // -------------------------------------------------------------- the form

  #build() {
    const box = this.#el.params;
    box.replaceChildren();
    for (const p of PARAMS) {
      const row = document.createElement('div');
      row.className = 'tune-param';
      const on = document.createElement('input');
      on.type = 'checkbox';
      on.id = `tune-on-${p.key}`;
      on.checked = !!p.on;
      const label = document.createElement('label');
      label.className = 'check';
      label.htmlFor = on.id;
      label.append(on, ` ${p.label}`);
      let values;
      if (p.kind === 'choice') {
        values = document.createElement('div');
        values.className = 'chips';
        values.setAttribute('role', 'group');
        values.setAttribute('aria-label', `${p.label} values`);
        for (const [v, text] of p.choices) {
          const chip = document.createElement('label');
          const box2 = document.createElement('input');
          box2.type = 'checkbox';
          box2.id = `tune-${p.key}-${v}`;
          box2.value = v;
          box2.checked = p.grid.includes(v);
          chip.append(box2, ` ${text}`);
          values.append(chip);
        }
      } else {
        values = document.createElement('input');
        values.type = 'text';
        values.spellcheck = false;
        values.value = p.grid;
        values.setAttribute('aria-label', `${p.label} values`);
      }
      values.id = `tune-values-${p.key}`;
      const now = document.createElement('span');
      now.className = 'note tune-now';
      now.id = `tune-now-${p.key}`;
      row.append(label, values, now);
      box.append(row);
    }
    this.#el.grid.checked = true;
  }

  #wire() {
    const el = this.#el;
    const { act } = this.#hooks;
    el.params.addEventListener('change', () => this.refresh());
    el.params.addEventListener('input', () => this.#plan(false));
    for (const id of ['grid', 'random']) el[id].addEventListener('change', () => this.#switchMode());
    for (const id of ['draws', 'folds', 'test']) el[id].addEventListener('input', () => this.#plan(false));
    el.details.addEventListener('toggle', () => {
      if (el.details.open) {
        this.refresh();
        this.#dirty = true;
        this.#schedule();
      }
    });
    el.start.addEventListener('click', () => act(() => this.#start()));
    el.cancel.addEventListener('click', () => this.cancel());
    el.best.addEventListener('click', () => act(() => this.#useBest()));
    for (const id of ['x', 'y']) {
      el[id].addEventListener('change', () => {
        this.#cursor = { x: 0, y: 0 };
        this.#dirty = true;
        this.#schedule();
      });
    }
    el.heatmap.addEventListener('click', (e) => this.#heatmapClick(e));
    el.heatmap.addEventListener('keydown', (e) => this.#heatmapKey(e));
    el.heatmap.addEventListener('focus', () => this.#drawHeatmap());
    el.heatmap.addEventListener('blur', () => this.#drawHeatmap());
    el.table.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-index]');
      if (button) this.#select(Number(button.dataset.index));
    });
    new ResizeObserver(() => { this.#dirty = true; this.#schedule(); }).observe(el.results);
  }

  /** Grid lists become random ranges and back, where the field still holds the other mode's example. */
  #switchMode() {
    const random = this.#el.random.checked;
    for (const p of PARAMS) {
      if (p.kind === 'choice') continue;
      const input = this.#root.querySelector(`#tune-values-${p.key}`);
      if (input.value === (random ? p.grid : p.random)) input.value = random ? p.random : p.grid;
    }
    this.refresh();
  }

  /** The playground's settings next to each parameter, the metrics of its task, the plan. */
  refresh() {
    const cur = this.#hooks.current();
    for (const p of PARAMS) {
      const on = this.#root.querySelector(`#tune-on-${p.key}`).checked;
      const values = this.#root.querySelector(`#tune-values-${p.key}`);
      for (const input of values.tagName === 'INPUT' ? [values] : values.querySelectorAll('input')) input.disabled = !on;
      this.#root.querySelector(`#tune-now-${p.key}`).textContent = on ? '' : `playground: ${valueText(p.key, cur.base[p.key])}`;
    }
    this.#el.draws.disabled = !this.#el.random.checked;
    const metric = this.#el.metric;
    const wanted = METRICS_FOR[cur.task];
    const shown = [...metric.options].map((o) => o.value);
    if (shown.join() !== ['auto', ...wanted].join()) {
      const keep = metric.value;
      metric.replaceChildren(new Option(`${METRIC_LABELS[wanted[0]]} (the default)`, 'auto'), ...wanted.map((m) => new Option(METRIC_LABELS[m], m)));
      metric.value = wanted.includes(keep) ? keep : 'auto';
    }
    this.#el.folds.max = String(Math.max(2, Math.min(20, cur.rows)));
    this.#plan(false);
    this.#buttons();
  }

  #buttons() {
    const run = this.#run;
    const running = !!(run && !run.ended);
    this.#el.start.disabled = running;
    this.#el.cancel.disabled = !running;
    this.#el.best.disabled = !(run && run.ranked.length && Number.isFinite(run.ranked[0].mean));
  }

  /**
   * Reads the form: {mode, space (grid lists or random lists and ranges),
   * keys searched, count, folds, metric, seed, testFraction}. With strict, a
   * value that cannot be used throws the page's InputError naming the field
   * and what is allowed; otherwise the plan line says what is wrong.
   */
  #plan(strict) {
    const note = this.#el.plan;
    try {
      const plan = this.#read();
      const cur = this.#hooks.current();
      const what = plan.mode === 'grid'
        ? `grid: ${plan.keys.length ? plan.keys.map((k) => `${PARAM[k].short} ${plan.space[k].length}`).join(' × ') : 'the playground\'s settings alone'}`
        : `random: ${plan.count} draws`;
      note.textContent = `${plan.count} configuration${plan.count === 1 ? '' : 's'} (${what}) × ${plan.folds} folds on the ${cur.rows} training rows` +
        `${plan.testFraction > 0 ? `, ${Math.round(plan.testFraction * cur.rows)} of them held out for a test score` : ''}.`;
      note.classList.remove('bad');
      return plan;
    } catch (e) {
      if (strict || !(e instanceof this.#hooks.InputError)) throw e;
      note.textContent = e.message;
      note.classList.add('bad');
      return null;
    }
  }

  #read() {
    const { InputError } = this.#hooks;
    const cur = this.#hooks.current();
    const random = this.#el.random.checked;
    const space = {};
    const keys = [];
    for (const el of this.#root.querySelectorAll('[aria-invalid="true"]')) el.setAttribute('aria-invalid', 'false');
    const bad = (el, message) => {
      el.setAttribute('aria-invalid', 'true');
      return new InputError(`Tune: ${message}`);
    };
    for (const p of PARAMS) {
      if (!this.#root.querySelector(`#tune-on-${p.key}`).checked) continue;
      const el = this.#root.querySelector(`#tune-values-${p.key}`);
      space[p.key] = p.kind === 'choice' ? readChoices(p, el, bad) : readValues(p, el, random, cur.rows, bad);
      keys.push(p.key);
    }
    const int = (el, name, min, max, why = '') => {
      const text = el.value.trim();
      const v = Number(text);
      if (text === '' || !Number.isInteger(v) || v < min || v > max) throw bad(el, `${name}: ${JSON.stringify(text)} is not an integer in [${min}, ${max}]${why}`);
      el.setAttribute('aria-invalid', 'false');
      return v;
    };
    let count = 1;
    if (random) {
      count = int(this.#el.draws, 'random draws', 1, MAX_CONFIGS);
    } else {
      for (const k of keys) count *= space[k].length;
      if (count > MAX_CONFIGS) {
        const sizes = keys.map((k) => `${PARAM[k].label} ${space[k].length}`).join(' × ');
        throw bad(this.#el.params, `the grid has ${sizes} = ${count} configurations; at most ${MAX_CONFIGS}: search fewer values (or use random search)`);
      }
    }
    const most = Math.min(20, cur.rows);
    const folds = int(this.#el.folds, 'folds', 2, most, most < 20 ? ` (at most the ${cur.rows} training rows)` : '');
    const seed = int(this.#el.seed, 'seed', 0, 4294967295);
    const testText = this.#el.test.value.trim();
    const testFraction = Number(testText);
    if (testText === '' || !(testFraction >= 0 && testFraction <= 0.5)) throw bad(this.#el.test, `held-out share: ${JSON.stringify(testText)} is not a number in [0, 0.5]`);
    this.#el.test.setAttribute('aria-invalid', 'false');
    if (!keys.includes('epochs') && cur.base.epochs > MAX_EPOCHS) {
      throw bad(this.#root.querySelector('#tune-values-epochs'), `epochs: the playground's epoch limit ${cur.base.epochs} is more than a search trains (1 to ${MAX_EPOCHS}): search epochs, or lower the limit`);
    }
    const metric = this.#el.metric.value;
    // What the table, the heatmap and the texts show: the parameters that take more than one value.
    const varied = keys.filter((k) => !Array.isArray(space[k]) || space[k].length > 1);
    const shown = varied.length ? varied : keys;
    return { mode: random ? 'random' : 'grid', space, keys, shown, count, folds, metric, seed, testFraction };
  }

  // -------------------------------------------------------------- running

  /** Checks the form and starts the search (it runs on; this returns once it has started). */
  async #start() {
    if (this.#run && !this.#run.ended) return;
    const plan = this.#plan(true);
    const cur = this.#hooks.current();
    const rows = this.#hooks.rows();
    const base = {};
    for (const p of PARAMS) if (!plan.keys.includes(p.key)) base[p.key] = cur.base[p.key];
    const options = {
      [plan.mode]: plan.mode === 'random' ? { draws: plan.count, ...plan.space } : plan.space,
      base,
      folds: plan.folds,
      seed: plan.seed,
      testFraction: plan.testFraction,
      curves: true,
      standardize: rows.standardize,
      scaleTarget: rows.scaleTarget,
    };
    if (plan.metric !== 'auto') options.metric = plan.metric;
    const data = { x: rows.x, y: rows.y, features: rows.features, outputs: rows.outputs, task: rows.task };
    if (rows.labels) {
      data.labels = rows.labels;
      data.classes = rows.classes;
    }
    this.#input = { data, options };
    if (!this.#pool) {
      const [{ TunePool }, { rankResults }] = await Promise.all([import('../lib/tune-pool.mjs'), import('../lib/descent-tune.mjs')]);
      this.#pool = new TunePool();
      this.#rank = rankResults;
    }
    const run = {
      plan, base, results: [], ranked: [], done: 0, total: plan.count, started: performance.now(), ended: null,
      cancelled: false, test: null, metric: plan.metric === 'auto' ? METRICS_FOR[cur.task][0] : plan.metric,
      rows: cur.rows, axes: null,
    };
    run.higherIsBetter = ['accuracy', 'f1', 'r2'].includes(run.metric);
    this.#run = run;
    this.#selected = null;
    this.#chosen = false;
    this.#cursor = { x: 0, y: 0 };
    this.#axesChoice(plan.shown);
    this.#el.details.open = true;
    this.#clearCurves('Fold curves: choose a cell of the heatmap or a row of the table.');
    this.#buttons();
    this.#dirty = true;
    this.#schedule();
    this.#timer = setInterval(() => this.#writeStatus(), 200);
    this.#search(run, data, options);
  }

  async #search(run, data, options) {
    try {
      const out = await this.#pool.tune(data, options, {
        progressEvery: 1000,
        onProgress: (e) => {
          if (e.type !== 'config' || this.#run !== run) return;
          run.results[e.index] = e.result;
          run.done = e.done;
          run.total = e.total;
          run.ranked = this.#rank(run.results, run.metric);
          if (!this.#chosen) this.#selected = run.ranked[0].index;
          this.#dirty = true;
          this.#schedule();
        },
      });
      run.metric = out.metric;
      run.higherIsBetter = out.higherIsBetter;
      run.ranked = out.results;
      for (const r of out.results) run.results[r.index] = r;
      run.done = out.results.length;
      run.total = out.count === undefined ? run.total : out.count;
      run.cancelled = out.cancelled;
      run.test = out.test;
      run.trainRows = out.trainRows;
      run.testRows = out.testRows;
    } catch (e) {
      run.error = e && e.message ? e.message : String(e);
      this.#hooks.showError(`Tune: ${run.error.replace(/^(TunePool|search|crossValidate|refit|createSearch): /, '')}`);
    } finally {
      run.ended = performance.now();
      clearInterval(this.#timer);
      if (!this.#chosen && run.ranked.length) this.#selected = run.ranked[0].index;
      this.#buttons();
      this.#dirty = true;
      this.#schedule();
    }
  }

  /** Stops the search now; what finished stays. */
  cancel() {
    if (this.#run && !this.#run.ended && this.#pool) this.#pool.cancel();
  }

  async #useBest() {
    const run = this.#run;
    if (!run || !run.ranked.length) return;
    await this.#hooks.apply(run.ranked[0].config);
    this.refresh();
  }

  // -------------------------------------------------------------- drawing

  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      if (!this.#dirty) return;
      this.#dirty = false;
      this.#render();
    });
  }

  #render() {
    this.#writeStatus();
    const run = this.#run;
    this.#el.results.hidden = !run;
    if (!run) return;
    this.#writeTable();
    this.#drawHeatmap();
    if (this.#selected !== null && (!this.#curves || this.#curves.index !== this.#selected)) this.#showCurves(this.#selected);
    if (this.#curves) {
      const { plot } = this.#curves;
      const size = this.#curvesSize();
      if (plot.width !== size.width) plot.setSize(size);
      this.#curvesTitle();
    }
  }

  #curvesSize() {
    const width = Math.max(200, Math.floor(this.#el.curves.clientWidth));
    return { width, height: Math.max(180, Math.min(300, Math.round(width * 0.6))) };
  }

  #writeStatus() {
    const run = this.#run;
    const status = this.#el.status;
    const bar = this.#el.progress;
    if (!run) {
      status.textContent = 'No search yet.';
      bar.value = 0;
      return;
    }
    const ms = (run.ended || performance.now()) - run.started;
    bar.max = run.total;
    bar.value = run.done;
    const workers = this.#pool ? this.#pool.size : 0;
    let text;
    if (!run.ended) text = `${run.done} of ${run.total} configurations · ${seconds(ms)} · ${workers} worker${workers === 1 ? '' : 's'}`;
    else if (run.error) text = `stopped by an error after ${run.done} of ${run.total} configurations (${seconds(ms)})`;
    else if (run.cancelled) text = `cancelled after ${run.done} of ${run.total} configurations (${seconds(ms)}); the finished ones are below`;
    else text = `${run.total} configurations in ${seconds(ms)} · ${workers} worker${workers === 1 ? '' : 's'}`;
    if (run.ended && run.ranked.length) {
      const b = run.ranked[0];
      text += ` · best: ${this.#configText(b.config, run.plan.shown) || 'the playground\'s settings'}, ${METRIC_LABELS[run.metric]} ${fmt(b.mean)} ± ${fmt(b.std, 2)}`;
    }
    if (status.textContent !== text) status.textContent = text;
    const t = run.test;
    this.#el['test-score'].hidden = !t;
    if (t) {
      this.#el['test-score'].textContent = `The best, retrained on all ${t.trainRows} searched rows: ${METRIC_LABELS[run.metric]} ${fmt(t.score)}` +
        `${run.metric === 'loss' ? '' : `, loss ${fmt(t.loss)}`} on the ${t.testRows} held-out rows (${seconds(t.timeMs)}).`;
    }
  }

  #configText(c, keys) {
    return keys.map((k) => `${PARAM[k].short} ${valueText(k, c[k])}`).join(', ');
  }

  #writeTable() {
    const run = this.#run;
    const { table } = this.#el;
    const keys = run.plan.shown;
    const folds = run.plan.folds;
    const head = document.createElement('tr');
    const th = (text, cls) => {
      const cell = document.createElement('th');
      cell.scope = 'col';
      cell.textContent = text;
      if (cls) cell.className = cls;
      return cell;
    };
    head.append(th('rank'), ...keys.map((k) => th(PARAM[k].short)),
      th(`${METRIC_LABELS[run.metric]} (${run.higherIsBetter ? 'higher' : 'lower'} is better)`, 'num'),
      ...Array.from({ length: folds }, (_, i) => th(`fold ${i + 1}`, 'num')), th('time', 'num'));
    table.tHead.replaceChildren(head);
    const body = document.createDocumentFragment();
    run.ranked.forEach((r, i) => {
      const tr = document.createElement('tr');
      if (r.index === this.#selected) tr.className = 'selected';
      const rank = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.dataset.index = String(r.index);
      button.textContent = String(i + 1);
      button.setAttribute('aria-label', `Rank ${i + 1}: show its fold curves`);
      rank.append(button);
      const td = (text, cls) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (cls) cell.className = cls;
        return cell;
      };
      const diverged = !Number.isFinite(r.mean);
      tr.append(rank, ...keys.map((k) => td(valueText(k, r.config[k]))),
        td(diverged ? 'diverged' : `${fmt(r.mean)} ± ${fmt(r.std, 2)}`, 'num'),
        ...r.scores.map((s) => td(fmt(s), 'num')), td(seconds(r.timeMs), 'num'));
      body.append(tr);
    });
    table.tBodies[0].replaceChildren(body);
  }

  /** The heatmap's axis choices: the searched parameters (the first two by default). */
  #axesChoice(keys) {
    for (const [id, pick, none] of [['x', 0, false], ['y', 1, true]]) {
      const sel = this.#el[id];
      sel.replaceChildren(...(none ? [new Option('(none)', '')] : []), ...keys.map((k) => new Option(PARAM[k].label, k)));
      sel.value = keys[pick] || '';
      sel.disabled = keys.length < (none ? 2 : 1);
    }
  }

  /** An axis of the heatmap: its labels and where a configuration falls on it. */
  #axis(key) {
    const plan = this.#run.plan;
    if (!key) return { labels: [''], of: () => 0, name: '' };
    const p = PARAM[key];
    const values = plan.space[key];
    if (Array.isArray(values)) {
      const list = [...values];
      if (p.kind === 'rate' || p.kind === 'int') list.sort((a, b) => (a === 'full') - (b === 'full') || (a === 'full' ? 0 : a - b));
      else if (p.kind === 'choice') list.sort((a, b) => p.choices.findIndex((c) => c[0] === a) - p.choices.findIndex((c) => c[0] === b));
      const at = new Map(list.map((v, i) => [valueKey(key, v), i]));
      return { labels: list.map((v) => valueText(key, v)), of: (c) => at.get(valueKey(key, c[key])), name: p.label };
    }
    // A range: bins, log-spaced (rates and sizes are drawn log-uniform).
    const lo = Math.log(values.min);
    const hi = Math.log(values.max);
    const n = p.kind === 'int' ? Math.max(1, Math.min(BINS, values.max - values.min + 1)) : BINS;
    const edge = (i) => Math.exp(lo + ((hi - lo) * i) / n);
    const labels = Array.from({ length: n }, (_, i) => valueText(key, p.kind === 'int' ? Math.round(Math.sqrt(edge(i) * edge(i + 1))) : Math.sqrt(edge(i) * edge(i + 1))));
    return {
      labels,
      of: (c) => (hi > lo ? Math.min(n - 1, Math.max(0, Math.floor(((Math.log(c[key]) - lo) / (hi - lo)) * n))) : 0),
      name: `${p.label} (binned)`,
    };
  }

  /** Each cell's best configuration so far (results ranked, so the first to land in a cell). */
  #grid() {
    const run = this.#run;
    const xa = this.#axis(this.#el.x.value);
    const ya = this.#axis(this.#el.y.value);
    const cols = xa.labels.length;
    const rows = ya.labels.length;
    const grid = Array.from({ length: rows }, () => new Array(cols).fill(null));
    for (const r of run.ranked) {
      const cx = xa.of(r.config);
      const cy = ya.of(r.config);
      if (cx === undefined || cy === undefined) continue;
      if (!grid[cy][cx]) grid[cy][cx] = r;
    }
    return { xa, ya, cols, rows, grid };
  }

  #drawHeatmap() {
    const run = this.#run;
    const canvas = this.#el.heatmap;
    if (!run || !this.#el.details.open) return;
    const g = this.#grid();
    const width = Math.max(240, Math.floor(canvas.parentElement.clientWidth));
    const cssH = Math.max(160, Math.min(420, 46 + g.rows * Math.max(34, Math.min(70, 300 / g.rows))));
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(cssH * dpr);
      canvas.style.height = `${cssH}px`;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, cssH);
    ctx.font = '12px system-ui, sans-serif';
    const left = g.ya.name ? Math.min(110, 14 + Math.max(...g.ya.labels.map((l) => ctx.measureText(l).width))) : 8;
    const bottom = 40;
    const rect = { x: left, y: 6, w: width - left - 8, h: cssH - bottom - 6 };
    const cw = rect.w / g.cols;
    const ch = rect.h / g.rows;
    const values = [];
    for (const row of g.grid) for (const r of row) if (r && Number.isFinite(r.mean)) values.push(r.mean);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const better = (v) => (hi > lo ? (run.higherIsBetter ? v - lo : hi - v) / (hi - lo) : 0.5);
    this.#cursor.x = Math.min(this.#cursor.x, g.cols - 1);
    this.#cursor.y = Math.min(this.#cursor.y, g.rows - 1);
    let drawn = 0;
    for (let cy = 0; cy < g.rows; cy++) {
      for (let cx = 0; cx < g.cols; cx++) {
        const r = g.grid[cy][cx];
        const x = rect.x + cx * cw;
        const y = rect.y + cy * ch;
        if (!r) {
          ctx.fillStyle = '#f6f7f9';
          ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2);
          ctx.strokeStyle = '#d8dde4';
          ctx.strokeRect(x + 1.5, y + 1.5, cw - 3, ch - 3);
          continue;
        }
        drawn++;
        if (!Number.isFinite(r.mean)) {
          ctx.fillStyle = '#c9ced6';
          ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2);
          ctx.strokeStyle = '#b42318';
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(x + cw / 2 - 6, y + ch / 2 - 6);
          ctx.lineTo(x + cw / 2 + 6, y + ch / 2 + 6);
          ctx.moveTo(x + cw / 2 + 6, y + ch / 2 - 6);
          ctx.lineTo(x + cw / 2 - 6, y + ch / 2 + 6);
          ctx.stroke();
          ctx.lineWidth = 1;
          continue;
        }
        const c = colour(better(r.mean));
        ctx.fillStyle = c.css;
        ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2);
        const text = fmt(r.mean, 3);
        if (cw >= ctx.measureText(text).width + 6 && ch >= 16) {
          ctx.fillStyle = c.light ? '#1d2430' : '#fff';
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          ctx.fillText(text, x + cw / 2, y + ch / 2);
        }
      }
    }
    // The selected configuration's cell, and the keyboard's cursor while focused.
    const mark = (cx, cy, style, dash) => {
      ctx.save();
      ctx.strokeStyle = style;
      ctx.lineWidth = 3;
      ctx.setLineDash(dash);
      ctx.strokeRect(rect.x + cx * cw + 2.5, rect.y + cy * ch + 2.5, cw - 5, ch - 5);
      ctx.restore();
    };
    const sel = this.#selected === null ? null : run.results[this.#selected];
    if (sel) {
      const sx = g.xa.of(sel.config);
      const sy = g.ya.of(sel.config);
      if (sx !== undefined && sy !== undefined) mark(sx, sy, '#1d2430', []);
    }
    if (document.activeElement === canvas) mark(this.#cursor.x, this.#cursor.y, '#1f6feb', [5, 3]);
    // Axes: labels that fit, the parameters' names.
    ctx.fillStyle = '#5b6573';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    let lastRight = -Infinity;
    g.xa.labels.forEach((l, i) => {
      const cx = rect.x + (i + 0.5) * cw;
      const w = ctx.measureText(l).width;
      if (cx - w / 2 < lastRight + 4) return;
      ctx.fillText(l, cx, rect.y + rect.h + 4);
      lastRight = cx + w / 2;
    });
    ctx.fillStyle = '#1d2430';
    ctx.fillText(g.xa.name, rect.x + rect.w / 2, rect.y + rect.h + 22);
    ctx.fillStyle = '#5b6573';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const step = Math.ceil(16 / ch);
    g.ya.labels.forEach((l, i) => { if (i % step === 0) ctx.fillText(l, rect.x - 6, rect.y + (i + 0.5) * ch); });
    this.#cells = { ...g, rect, cw, ch, drawn, lo, hi };
    canvas.setAttribute('aria-label', `Heatmap of the mean ${METRIC_LABELS[run.metric]} over ${g.xa.name}${g.ya.name ? ` and ${g.ya.name}` : ''}: ${drawn} of ${g.cols * g.rows} cells have a result; arrow keys move, Enter shows a cell's fold curves`);
    this.#writeLegend(values.length ? lo : null, hi);
    this.#el['map-title'].textContent = `Mean ${METRIC_LABELS[run.metric]} over the folds${run.plan.shown.length > (g.ya.name ? 2 : 1) ? ', the best over the other parameters' : ''}`;
  }

  #writeLegend(lo, hi) {
    const run = this.#run;
    const legend = this.#el.legend;
    legend.replaceChildren();
    if (lo === null) {
      legend.textContent = 'no results yet';
      return;
    }
    const [worse, best] = run.higherIsBetter ? [lo, hi] : [hi, lo];
    const bar = document.createElement('span');
    bar.className = 'ramp';
    bar.style.background = `linear-gradient(to right, ${RAMP.map((c) => `rgb(${c.join(',')})`).join(', ')})`;
    const a = document.createElement('span');
    a.textContent = `worse ${fmt(worse)}`;
    const b = document.createElement('span');
    b.textContent = `${fmt(best)} better (${run.higherIsBetter ? 'higher' : 'lower'} ${METRIC_LABELS[run.metric]})`;
    const empty = document.createElement('span');
    empty.className = 'empty-key';
    empty.textContent = 'pale: no result yet; ✕: diverged';
    legend.append(a, bar, b, empty);
  }

  #heatmapCell(cx, cy) {
    const cells = this.#cells;
    if (!cells) return;
    const r = cells.grid[cy] && cells.grid[cy][cx];
    this.#cursor = { x: cx, y: cy };
    if (r) this.#select(r.index);
    else this.#drawHeatmap();
  }

  #heatmapClick(e) {
    const cells = this.#cells;
    if (!cells) return;
    const box = this.#el.heatmap.getBoundingClientRect();
    const x = e.clientX - box.left - cells.rect.x;
    const y = e.clientY - box.top - cells.rect.y;
    if (x < 0 || y < 0 || x >= cells.rect.w || y >= cells.rect.h) return;
    this.#heatmapCell(Math.floor(x / cells.cw), Math.floor(y / cells.ch));
  }

  #heatmapKey(e) {
    const cells = this.#cells;
    if (!cells) return;
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (move) {
      e.preventDefault();
      this.#cursor.x = Math.min(cells.cols - 1, Math.max(0, this.#cursor.x + move[0]));
      this.#cursor.y = Math.min(cells.rows - 1, Math.max(0, this.#cursor.y + move[1]));
      this.#drawHeatmap();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      this.#heatmapCell(this.#cursor.x, this.#cursor.y);
    }
  }

  #select(index) {
    this.#selected = index;
    this.#chosen = true;
    this.#dirty = true;
    this.#schedule();
  }

  #clearCurves(text) {
    if (this.#curves) this.#curves.plot.destroy();
    this.#curves = null;
    this.#el['curves-title'].textContent = text;
  }

  /** The training (solid) and validation (dashed) loss per epoch of each fold of configuration index. */
  #showCurves(index) {
    const run = this.#run;
    const r = run.results[index];
    const box = this.#el.curves;
    if (!r || !r.curves) return;
    if (this.#curves) this.#curves.plot.destroy();
    const { loss, valLoss } = r.curves;
    const epochs = loss[0] ? loss[0].length : 0;
    const clean = (a) => a.map((v) => (Number.isFinite(v) ? v : null));
    const data = [Array.from({ length: epochs }, (_, i) => i + 1)];
    const series = [{ label: 'epoch' }];
    loss.forEach((fold, k) => {
      const stroke = FOLD_COLOURS[k % FOLD_COLOURS.length];
      data.push(clean(fold), clean(valLoss[k]));
      series.push({ label: `fold ${k + 1} training`, stroke, width: 1.5, points: { show: false } },
        { label: `fold ${k + 1} validation`, stroke, width: 1.5, dash: [5, 3], points: { show: false } });
    });
    const plot = new uPlot({
      ...this.#curvesSize(),
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      axes: [
        { label: 'epoch', stroke: '#5b6573', grid: { stroke: '#eef0f3' } },
        { label: 'loss', stroke: '#5b6573', grid: { stroke: '#eef0f3' }, size: 56, values: (u, vals) => vals.map((v) => fmt(v, 3)) },
      ],
      series,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    }, data, box);
    this.#curves = { index, plot, series: series.length - 1, epochs };
    this.#curvesTitle();
  }

  /** Its rank changes as other configurations finish. */
  #curvesTitle() {
    const run = this.#run;
    const { index } = this.#curves;
    const r = run.results[index];
    const rank = run.ranked.findIndex((x) => x.index === index) + 1;
    const text = `Rank ${rank}: ${this.#configText(r.config, run.plan.shown) || 'the playground\'s settings'} · ` +
      `${Number.isFinite(r.mean) ? `${METRIC_LABELS[run.metric]} ${fmt(r.mean)} ± ${fmt(r.std, 2)}` : 'diverged'} · ` +
      `loss per epoch of each of its ${r.curves.loss.length} folds: training solid, validation dashed`;
    if (this.#el['curves-title'].textContent !== text) this.#el['curves-title'].textContent = text;
  }

  // -------------------------------------------------------------- for tests

  /** What the panel shows (plain data, read-only). */
  get state() {
    const run = this.#run;
    const cells = this.#cells;
    return {
      running: !!(run && !run.ended),
      poolSize: this.#pool ? this.#pool.size : 0,
      done: run ? run.done : 0,
      total: run ? run.total : 0,
      cancelled: !!(run && run.cancelled),
      error: run ? run.error || null : null,
      metric: run ? run.metric : null,
      higherIsBetter: run ? run.higherIsBetter : null,
      searched: run ? [...run.plan.keys] : [],
      results: run ? run.ranked.map((r) => ({ index: r.index, config: r.config, mean: r.mean, std: r.std, scores: [...r.scores], timeMs: r.timeMs })) : [],
      tableRows: this.#el.table.tBodies[0].rows.length,
      heatmap: cells && {
        x: this.#el.x.value, y: this.#el.y.value, columns: cells.xa.labels, rows: cells.ya.labels, drawn: cells.drawn,
        cells: cells.grid.map((row) => row.map((r) => (r ? { index: r.index, mean: r.mean } : null))),
        rect: cells.rect, cellWidth: cells.cw, cellHeight: cells.ch, lo: cells.lo, hi: cells.hi,
      },
      selected: this.#selected,
      curves: this.#curves && { index: this.#curves.index, series: this.#curves.series, epochs: this.#curves.epochs },
      test: run ? run.test : null,
    };
  }

  /** The rows and options of the latest search, as plain arrays (to repeat it elsewhere). */
  input() {
    if (!this.#input) return null;
    const { data, options } = this.#input;
    const plain = {};
    for (const [k, v] of Object.entries(data)) plain[k] = ArrayBuffer.isView(v) ? Array.from(v) : v;
    return { data: plain, options: JSON.parse(JSON.stringify(options)) };
  }
}

/** A parameter's list (or, for random search, a range a..b) from its text field. */
function readValues(p, el, random, rows, bad) {
  const text = el.value.trim();
  const name = `${p.label} values`;
  if (text === '') throw bad(el, `${name}: give at least one value`);
  const range = /^(\S+?)\s*\.\.\s*(\S+)$/.exec(text);
  if (range && p.kind !== 'layers') {
    if (!random) throw bad(el, `${name}: a range (${text}) is for random search; a grid takes a list like ${p.grid}`);
    const [lo, hi] = [one(p, range[1], el, rows, bad, name), one(p, range[2], el, rows, bad, name)];
    if (lo === 'full' || hi === 'full') throw bad(el, `${name}: a range takes numbers, not "full"`);
    if (!(lo > 0)) throw bad(el, `${name}: a range is drawn log-uniform, so it starts above 0, got ${range[1]}`);
    if (hi < lo) throw bad(el, `${name}: the range ${text} ends below its start`);
    el.setAttribute('aria-invalid', 'false');
    return { min: lo, max: hi };
  }
  let items;
  if (p.kind === 'layers') {
    items = text.split(';').map((s) => s.replace(/\s+/g, '')).filter((s) => s !== '').map((s) => layersOf(s, el, bad, name));
  } else {
    items = text.split(/[\s,;]+/).filter((s) => s !== '').map((s) => one(p, s, el, rows, bad, name));
  }
  if (items.length === 0) throw bad(el, `${name}: give at least one value`);
  const seen = new Set();
  const out = items.filter((v) => {
    const k = valueKey(p.key, v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  el.setAttribute('aria-invalid', 'false');
  return out;
}

/** One number of a list: the range the playground's own control allows. */
function one(p, s, el, rows, bad, name) {
  if (p.key === 'batchSize' && s === 'full') return 'full';
  const v = Number(s);
  if (p.kind === 'int') {
    const max = p.key === 'batchSize' ? rows : p.max;
    if (!Number.isInteger(v) || v < p.min || v > max) {
      throw bad(el, `${name}: "${s}" is not an integer in [${p.min}, ${max}]${p.key === 'batchSize' ? ` (the ${rows} training rows; or "full")` : ''}`);
    }
    return v;
  }
  if (!Number.isFinite(v) || v > p.max || (p.exclusiveMin ? v <= p.min : v < p.min)) {
    throw bad(el, `${name}: "${s}" is not a number in ${p.exclusiveMin ? '(' : '['}${p.min}, ${p.max}]`);
  }
  return v;
}

/** One hidden-layer configuration: '16,16', '16x16', '8' or 'none', as the playground allows (up to 8 layers of 1 to 256). */
function layersOf(s, el, bad, name) {
  if (s === 'none' || s === '0') return [];
  const units = s.split(/[x,]/).map(Number);
  if (!/^\d+([x,]\d+)*$/.test(s) || units.length > 8 || units.some((u) => !Number.isInteger(u) || u < 1 || u > 256)) {
    throw bad(el, `${name}: "${s}" is not hidden layers like 8 or 16,16 (1 to 8 layers of 1 to 256 units; "none" for none; configurations separated by ";")`);
  }
  return units;
}

function readChoices(p, el, bad) {
  const chosen = [...el.querySelectorAll('input:checked')].map((b) => b.value);
  if (chosen.length === 0) throw bad(el, `${p.label} values: choose at least one`);
  el.setAttribute('aria-invalid', 'false');
  return chosen;
}
