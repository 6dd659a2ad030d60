// tune-pool.mjs - TunePool: a hyper-parameter search run by a pool of workers
// (module Web Workers in a page, worker_threads in Node), each cross-validating
// one configuration at a time, the costliest first. Every configuration's seeds derive from the
// search's seed and its index alone, so the results are the ones
// descent.tune computes in one thread, whatever worker ran what.

import { DescentClient } from './client.mjs';
import { rankResults } from './descent-tune.mjs';
import { datasetNames } from './tune-spec.mjs';

// the ranking searches use, for the package's './tune' entry
export { rankResults };

const TERMINATED = 'descent worker terminated';
const CALLBACK_KEYS = ['onProgress', 'signal', 'progressEvery', 'refitModel'];

/** hardwareConcurrency - 1 (the page keeps a core), at least 1. */
export function defaultPoolSize() {
  let cores = typeof navigator === 'object' && navigator && navigator.hardwareConcurrency;
  if (!cores && typeof process === 'object' && typeof process.getBuiltinModule === 'function') {
    cores = process.getBuiltinModule('node:os').availableParallelism();
  }
  return Math.max(1, (cores || 2) - 1);
}

function fail(message) {
  return new Error(`TunePool: ${message}`);
}

/** Only what a search reads, so a Dataset's names and splits are not copied to every worker. */
function searchData(data) {
  if (data === null || typeof data !== 'object') throw fail('data must be a Dataset (from parseCSV or generate) or {x, y}');
  const out = {};
  for (const key of ['x', 'y', 'features', 'outputs', 'classes', 'labels', 'task']) {
    if (data[key] !== undefined && data[key] !== null) out[key] = data[key];
  }
  return out;
}

/** Columns of a matrix given flat (with its count) or as rows. */
function columns(m, given) {
  if (Number.isInteger(given)) return given;
  return m && m.length && m[0] && typeof m[0].length === 'number' ? m[0].length : 1;
}

/**
 * A configuration's rough cost (multiply-adds of its training), so the pool
 * hands out the longest first and no worker is left with a long one at the end.
 */
function cost(config, inputs, outputs, rows) {
  const widths = [inputs, ...config.layers, outputs];
  let weights = 0;
  for (let i = 0; i + 1 < widths.length; i++) weights += widths[i] * widths[i + 1];
  const batch = config.batchSize === 'full' ? rows : Math.min(config.batchSize, rows);
  const steps = config.epochs * Math.ceil(rows / batch);
  return steps * (weights * (batch + 4) + 500);
}

export class TunePool {
  #size;
  #start;
  #clients = [];
  #starting = null;
  #run = null;
  #closed = false;

  /**
   * options.size: workers (default defaultPoolSize()); simd, baseUrl: as for
   * loadDescent; workerUrl: where worker.mjs is (default: beside this file).
   * Workers start on the first tune; TunePool.create starts them at once.
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw fail('options must be an object');
    for (const key of Object.keys(options)) {
      if (!['size', 'simd', 'baseUrl', 'workerUrl'].includes(key)) {
        throw fail(`unknown option '${key}' (allowed: size, simd, baseUrl, workerUrl)`);
      }
    }
    const size = options.size === undefined ? defaultPoolSize() : options.size;
    if (!Number.isInteger(size) || size < 1 || size > 256) throw fail(`size must be an integer in 1..256, got ${String(size)}`);
    this.#size = size;
    const url = options.workerUrl === undefined ? undefined : options.workerUrl;
    this.#start = () => DescentClient.create({ simd: options.simd, baseUrl: options.baseUrl, url, copy: true, tune: true });
  }

  /** A pool with its workers started and descent loaded in each. */
  static async create(options = {}) {
    const pool = new TunePool(options);
    await pool.#ensure();
    return pool;
  }

  get size() { return this.#size; }

  /** True while a tune runs. */
  get running() { return this.#run !== null; }

  async #ensure() {
    if (this.#closed) throw fail('the pool has been terminated');
    while (this.#starting) await this.#starting;
    if (this.#clients.length === this.#size) return;
    const want = this.#size - this.#clients.length;
    this.#starting = Promise.allSettled(Array.from({ length: want }, () => this.#start()));
    const started = await this.#starting;
    this.#starting = null;
    const ok = started.filter((s) => s.status === 'fulfilled').map((s) => s.value);
    this.#clients.push(...ok);
    const bad = started.find((s) => s.status === 'rejected');
    if (bad) throw bad.reason;
  }

  /**
   * The search descent.tune runs, with the configurations spread over the
   * workers; resolves with the same {mode, metric, higherIsBetter, folds,
   * seed, count, trainRows, testRows, results (best first), best, test,
   * cancelled}. callbacks.onProgress(event) gets the workers' epoch and fold
   * events and a config event per finished configuration (done/total over the
   * whole search); returning false cancels, as cancel() and
   * callbacks.signal (an AbortSignal) do. callbacks.refitModel: true adds
   * test.modelBytes, the retrained best as a model file (descent.loadModel,
   * the CLI and the page read it).
   */
  async tune(data, options = {}, callbacks = {}) {
    if (this.#run) throw fail('a search is already running in this pool');
    if (callbacks === null || typeof callbacks !== 'object' || Array.isArray(callbacks)) throw fail('callbacks must be an object');
    for (const key of Object.keys(callbacks)) {
      if (!CALLBACK_KEYS.includes(key)) throw fail(`unknown callbacks option '${key}' (allowed: ${CALLBACK_KEYS.join(', ')})`);
    }
    const { onProgress, signal, progressEvery, refitModel } = callbacks;
    if (onProgress !== undefined && typeof onProgress !== 'function') throw fail('onProgress must be a function');
    if (refitModel !== undefined && typeof refitModel !== 'boolean') throw fail('refitModel must be true or false');
    if (signal !== undefined && !(signal && typeof signal === 'object' && typeof signal.addEventListener === 'function')) {
      throw fail('signal must be an AbortSignal');
    }
    if (progressEvery !== undefined && !(typeof progressEvery === 'number' && progressEvery >= 0)) {
      throw fail('progressEvery must be a number of ms >= 0');
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw fail(`options must be an object (as descent.tune's), got ${options === null ? 'null' : typeof options}`);
    }
    const payload = searchData(data);
    const run = { cancelled: false, error: null };
    this.#run = run;
    const onAbort = () => this.cancel();
    try {
      if (signal) {
        if (signal.aborted) run.cancelled = true;
        else signal.addEventListener('abort', onAbort, { once: true });
      }
      const stopped = { results: [], best: null, test: null, cancelled: true };
      await this.#ensure();
      if (run.cancelled) return stopped;
      const clients = [...this.#clients];
      // Each worker makes the same search (same split, folds and list).
      let searches;
      try {
        searches = await Promise.all(clients.map((c) => c.createSearch(payload, options)));
      } catch (e) {
        if (run.cancelled) return stopped;
        throw e;
      }
      const info = searches[0];
      const total = info.count;
      const results = new Array(total).fill(null);
      const rows = info.trainRows - Math.floor(info.trainRows / info.folds);
      const work = info.configs.map((c) => cost(c, columns(payload.x, payload.features), columns(payload.y, payload.outputs), rows));
      const order = work.map((_, i) => i).sort((a, b) => work[b] - work[a] || a - b);
      let next = 0;
      let done = 0;
      const report = (event) => {
        if (!onProgress || run.cancelled) return;
        let answer;
        try {
          answer = onProgress(event);
        } catch (e) {
          run.error = run.error || e;
          answer = false;
        }
        if (answer === false) this.cancel();
      };
      const drain = async (client, searchId) => {
        while (!run.cancelled && !run.error && next < total) {
          const index = order[next++];
          try {
            const result = await client.crossValidate(searchId, index, {
              progressEvery,
              onProgress: (p) => { if (p.type !== 'config') report({ ...p, done, total }); },
            });
            results[index] = result;
            done++;
            report({ type: 'config', index, folds: result.scores.length, score: result.mean, done, total, result });
          } catch (e) {
            if (run.cancelled && e instanceof Error && e.message === TERMINATED) return;
            if (!run.error) run.error = e;
            this.cancel();
            return;
          }
        }
      };
      await Promise.all(clients.map((c, k) => drain(c, searches[k].searchId)));
      if (run.error) throw run.error;
      const ranked = rankResults(results, info.metric);
      let test = null;
      if (!run.cancelled && info.testRows > 0 && ranked.length > 0 && !Number.isNaN(ranked[0].mean)) {
        try {
          test = await clients[0].refit(searches[0].searchId, ranked[0].index, { model: refitModel === true });
          if (refitModel === true) {
            // The retrained model as the bytes of a model file, and gone from the worker.
            const { modelId, inputs, outputs, loss, paramCount, ...rest } = test;
            // with the data's names (not sent to the workers with the rows), as a refit in one thread has them
            const names = datasetNames(data);
            let modelBytes;
            try {
              if (names) await clients[0].setPreprocessing(modelId, { names });
              modelBytes = await clients[0].save(modelId);
            } finally {
              await clients[0].dispose(modelId);
            }
            test = { ...rest, modelBytes };
          }
        } catch (e) {
          if (!(run.cancelled && e instanceof Error && e.message === TERMINATED)) throw e;
        }
      }
      if (!run.cancelled) await Promise.all(clients.map((c, k) => c.disposeSearch(searches[k].searchId)));
      const { searchId, configs, ...summary } = info;
      return { ...summary, results: ranked, best: ranked[0] || null, test, cancelled: run.cancelled };
    } finally {
      if (signal) signal.removeEventListener('abort', onAbort);
      this.#run = null;
    }
  }

  /**
   * Stops the running search now: its workers are ended mid-batch (a
   * configuration is one synchronous call), and the tune resolves with the
   * configurations finished so far and cancelled: true. New workers start
   * on the next tune.
   */
  cancel() {
    if (!this.#run || this.#run.cancelled) return;
    this.#run.cancelled = true;
    const clients = this.#clients;
    this.#clients = [];
    for (const c of clients) c.terminate().catch(() => {});
  }

  /** Ends every worker; the pool cannot be used afterwards. Safe to call twice. */
  async terminate() {
    this.#closed = true;
    if (this.#run) this.cancel();
    while (this.#starting) await this.#starting.catch(() => {});
    const clients = this.#clients;
    this.#clients = [];
    await Promise.all(clients.map((c) => c.terminate().catch(() => {})));
  }
}
