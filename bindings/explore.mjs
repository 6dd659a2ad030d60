// explore.mjs - looking at gradient descent itself, computed by the core
// (core/descent_explore.h): descent.findLearningRate, compareOptimizers and
// lossSurface, which build their own models (model.gradientStats, which
// reads the live model, is in the core: gradients.mjs).
//
// Loaded on first use (descent.mjs), as recipe.mjs is, and their C is in the
// tuning build (exports_explore.c), not the core module, which stays small: a
// core instance runs them in its tuning twin (d._tuningTwin(), the same
// kernels from the same place, loaded once) and gets plain numbers back; the
// model lossSurface takes goes there through its file. An instance loaded
// with { tune: true } runs them in place. Each resolves to what it computed.

import { checkKeys, fail, int, modelRows, num, toMatrix, typeOf } from './checks.mjs';
import { V, pack, packOptimizer, unpack, useVocabulary } from './core-vocabulary.mjs';

const LRFIND_KEYS = ['min', 'max', 'steps', 'seed', 'batchSize', 'smoothing', 'explode'];
const RACE_KEYS = ['optimizers', 'epochs', 'batchSize', 'seed'];
const SURFACE_KEYS = ['directions', 'path', 'range', 'resolution', 'seed'];

/** A fresh model of h from config, with options.seed (when given) as its seed. */
function fresh(h, config, seed) {
  if (!config || typeof config !== 'object') throw fail('createModel', `config must be a model config, got ${typeOf(config)}`);
  return h.createModel(seed === undefined ? config : { ...config, seed });
}

/**
 * Where descent d runs the explorers: itself when it is a tuning build, else
 * its tuning twin. This module ships on its own: its core-vocabulary.mjs is
 * read from the instance's module (every build of one version has the same).
 */
async function twin(d, where) {
  useVocabulary(d._module);
  return d._tuningTwin(where);
}

/** Flat weights (descent_model_params order) as getWeights() returns them. */
function unflatten(model, flat) {
  let off = 0;
  let fanIn = model.inputs;
  return model.layers.map(({ units, useBias }) => {
    const kernel = flat.slice(off, off + fanIn * units);
    off += fanIn * units;
    const bias = useBias ? flat.slice(off, off + units) : null;
    if (useBias) off += units;
    fanIn = units;
    return { kernel, bias };
  });
}

/** One point of a path: paramCount numbers (a Float32Array or a list), or getWeights()' array. */
function flatPoint(where, what, p, count) {
  // getWeights()'s layers ({kernel, bias}), or the weights as one list of numbers
  const layers = Array.isArray(p) && p.length > 0 && p.every((l) => l !== null && typeof l === 'object' && 'kernel' in l);
  const flat = !layers ? toMatrix(where, what, p, 1) : new Float32Array(p.flatMap((l, i) => [
    ...toMatrix(where, `${what}[${i}].kernel`, l.kernel, 1),
    ...(l.bias ? toMatrix(where, `${what}[${i}].bias`, l.bias, 1) : []),
  ]));
  if (flat.length !== count) throw fail(where, `${what} has ${flat.length} weights, expected the model's ${count}`);
  return flat;
}

/** Smith's learning-rate range test on a fresh model from config: { rates, losses, rawLosses, suggested, stoppedEarly }. */
export async function findLearningRate(d, x, y, config, options = {}) {
  const where = 'findLearningRate';
  checkKeys(where, options, LRFIND_KEYS, 'options');
  const h = await twin(d, where);
  const model = fresh(h, config, options.seed === undefined ? undefined : int(where, 'seed', options.seed, 0, 0, V.limits.seed));
  try {
    const [xs, ys, n] = modelRows(where, model, x, y);
    const table = V.fields.lrfind;
    const o = h._scoped(where, (s, M) => {
      const at = s.alloc('the defaults', table.size, 8);
      M._dj_lr_find_defaults(at);
      return unpack(table, M.HEAPF64.subarray(at >> 3, (at >> 3) + table.size));
    });
    const steps = int(where, 'steps', options.steps, o.steps, 2, V.limits.epochs);
    const opts = pack(table, {
      min_rate: num(where, 'min', options.min, o.min_rate),
      max_rate: num(where, 'max', options.max, o.max_rate),
      steps,
      batch_size: int(where, 'batchSize', options.batchSize, Math.min(o.batch_size, n), 1, V.limits.batch),
      smoothing: num(where, 'smoothing', options.smoothing, o.smoothing),
      explode: num(where, 'explode', options.explode, o.explode),
    });
    const p = model._pointer(where);
    return h._scoped(where, (s, M) => {
      const op = s.f64(opts);
      const rates = s.alloc('the rates', steps, 8);
      const raw = s.alloc('the losses', steps, 4);
      const smooth = s.alloc('the smoothed losses', steps, 4);
      h._check(where, M._dj_model_find_learning_rate(p, s.f32(xs, 'x'), s.f32(ys, 'y'), n, op, rates, raw, smooth));
      const r = unpack(table, M.HEAPF64.subarray(op >> 3, (op >> 3) + table.size));
      const rateList = Array.from(M.HEAPF64.subarray(rates >> 3, (rates >> 3) + r.count));
      return {
        rates: rateList,
        losses: Array.from(M.HEAPF32.subarray(smooth >> 2, (smooth >> 2) + r.count)),
        rawLosses: Array.from(M.HEAPF32.subarray(raw >> 2, (raw >> 2) + r.count)),
        suggested: r.suggested >= 0 ? rateList[r.suggested] : null,
        stoppedEarly: r.stopped_early === 1,
      };
    });
  } finally {
    model.dispose();
  }
}

/** The same network, weights and batches trained by each optimizer: { initialLoss, paramCount, results }. */
export async function compareOptimizers(d, x, y, config, options = {}) {
  const where = 'compareOptimizers';
  checkKeys(where, options, RACE_KEYS, 'options');
  const h = await twin(d, where);
  const list = options.optimizers === undefined ? [...V.vocabularies.optimizer] : options.optimizers;
  if (!Array.isArray(list) || list.length === 0 || list.length > 64) {
    throw fail(where, `optimizers must be an array of 1 to 64 optimizer names or configs, got ${Array.isArray(list) ? `${list.length}` : typeOf(list)}`);
  }
  const packed = list.map((o) => packOptimizer(where, o));
  const epochs = int(where, 'epochs', options.epochs, 10, 1, V.limits.epochs);
  const start = fresh(h, config, options.seed === undefined ? undefined : int(where, 'seed', options.seed, 0, 0, V.limits.seed));
  try {
    const [xs, ys, n] = modelRows(where, start, x, y);
    const batchSize = int(where, 'batchSize', options.batchSize, 32, 1, V.limits.batch);
    const count = start.paramCount;
    const size = V.fields.optimizer.size;
    const flat = new Float64Array(list.length * size);
    packed.forEach((o, i) => flat.set(o, i * size));
    const p = start._pointer(where);
    return h._scoped(where, (s, M) => {
      const k = list.length;
      const initial = s.alloc('the initial loss', 4);
      const history = s.alloc('the histories', k, epochs, 4);
      const path = s.alloc('the paths', k, epochs + 1, count, 4);
      const res = s.alloc('the results', k, 8);
      h._check(where, M._dj_model_race(p, s.f64(flat, 'the optimizers'), k, s.f32(xs, 'x'), s.f32(ys, 'y'), n,
        epochs, batchSize, initial, history, path, res));
      const results = packed.map((o, i) => {
        const done = M.HEAP32[(res >> 2) + 2 * i];
        const at = (history >> 2) + i * epochs;
        const base = (path >> 2) + i * (epochs + 1) * count;
        const losses = Array.from(M.HEAPF32.subarray(at, at + done));
        return {
          optimizer: V.vocabularies.optimizer[o[V.fields.optimizer.at.kind]],
          learningRate: o[V.fields.optimizer.at.learning_rate],
          history: losses,
          path: Array.from({ length: done + 1 }, (_, e) => M.HEAPF32.slice(base + e * count, base + (e + 1) * count)),
          finalLoss: losses.length ? losses[losses.length - 1] : null,
          diverged: M.HEAP32[(res >> 2) + 2 * i + 1] !== 0,
        };
      });
      return { initialLoss: M.HEAPF32[initial >> 2], paramCount: count, results };
    });
  } finally {
    start.dispose();
  }
}

/** The loss on a plane through model's weights: { directions, alphas, betas, loss, pathProjection, variance }. */
export async function lossSurface(d, model, x, y, options = {}) {
  const where = 'lossSurface';
  d._modelPointer(where, model);
  checkKeys(where, options, SURFACE_KEYS, 'options');
  const h = await twin(d, where);
  const [xs, ys, n] = modelRows(where, model, x, y);
  const kind = options.directions === undefined ? 'random' : options.directions;
  if (kind !== 'random' && kind !== 'pca') throw fail(where, `directions must be 'random' or 'pca', got ${typeOf(kind) === 'string' ? `'${kind}'` : typeOf(kind)}`);
  const count = model.paramCount;
  let path = null;
  if (options.path !== undefined && options.path !== null) {
    if (!Array.isArray(options.path) || options.path.length < 1) throw fail(where, `path must be an array of weight vectors, got ${typeOf(options.path)}`);
    path = new Float32Array(options.path.length * count);
    options.path.forEach((pt, i) => path.set(flatPoint(where, `path[${i}]`, pt, count), i * count));
  }
  if (kind === 'pca' && (!path || path.length / count < 2)) throw fail(where, "directions 'pca' needs a path of at least 2 points");
  const resolution = int(where, 'resolution', options.resolution, 32, 2, V.limits.surfaceResolution);
  const seed = int(where, 'seed', options.seed, 0, 0, V.limits.seed);
  const range = options.range;
  let lo = -1;
  let hi = 1;
  if (typeof range === 'number') {
    if (!(range > 0 && Number.isFinite(range))) throw fail(where, `range must be a number > 0 or [min, max], got ${range}`);
    [lo, hi] = [-range, range];
  } else if (Array.isArray(range) && range.length === 2) {
    [lo, hi] = [num(where, 'range[0]', range[0]), num(where, 'range[1]', range[1])];
  } else if (range !== undefined) {
    throw fail(where, `range must be a number > 0 or [min, max], got ${typeOf(range)}`);
  }
  // the model's copy there: its weights, scalers and loss are all evaluate needs
  const there = h === d ? model : h.loadModel(model.save());
  try {
    const p = h._modelPointer(where, there);
    return h._scoped(where, (s, M) => {
      const d1 = s.alloc('d1', count, 4);
      const d2 = s.alloc('d2', count, 4);
      let variance = null;
      if (kind === 'pca') {
        const v = s.alloc('the variance', 2, 8);
        h._check(where, M._dj_path_pca(s.f32(path, 'the path'), path.length / count, count, d1, d2, v));
        variance = Array.from(M.HEAPF64.subarray(v >> 3, (v >> 3) + 2));
      } else {
        h._check(where, M._dj_model_random_directions(p, seed, d1, d2));
      }
      const grid = s.f64(pack(V.fields.grid, { alpha_lo: lo, alpha_hi: hi, beta_lo: lo, beta_hi: hi, resolution }), 'the grid');
      let projection = null;
      if (path) {
        const points = path.length / count;
        const coords = s.alloc('the projection', points, 2, 4);
        const theta = M._dj_model_params(p);
        h._check(where, M._dj_path_project(s.f32(path, 'the path'), points, count, theta, d1, d2, coords));
        const c = M.HEAPF32.slice(coords >> 2, (coords >> 2) + 2 * points);
        projection = Array.from({ length: points }, (_, i) => [c[2 * i], c[2 * i + 1]]);
        if (range === undefined) M._dj_surface_fit(coords, points, grid);
      }
      const alphas = s.alloc('the alphas', resolution, 4);
      const betas = s.alloc('the betas', resolution, 4);
      const loss = s.alloc('the loss grid', resolution, resolution, 4);
      h._check(where, M._dj_model_loss_surface(p, s.f32(xs, 'x'), s.f32(ys, 'y'), n, d1, d2, grid, alphas, betas, loss));
      const flat = M.HEAPF32.slice(loss >> 2, (loss >> 2) + resolution * resolution);
      return {
        directions: [unflatten(model, M.HEAPF32.slice(d1 >> 2, (d1 >> 2) + count)), unflatten(model, M.HEAPF32.slice(d2 >> 2, (d2 >> 2) + count))],
        alphas: Array.from(M.HEAPF32.subarray(alphas >> 2, (alphas >> 2) + resolution)),
        betas: Array.from(M.HEAPF32.subarray(betas >> 2, (betas >> 2) + resolution)),
        loss: Array.from({ length: resolution }, (_, j) => flat.slice(j * resolution, (j + 1) * resolution)),
        pathProjection: projection,
        variance,
      };
    });
  } finally {
    if (there !== model) there.dispose();
  }
}
