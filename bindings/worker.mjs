// worker.mjs - descent in a Web Worker (new Worker(url, {type: 'module'})) or a
// Node worker_threads Worker: one loaded wasm instance, models by id, and
// training that yields to the message loop between batches. client.mjs speaks
// to it; the protocol (MessageType in protocol.mjs) is {id, type, data} both ways.

import { loadDescent } from './descent.mjs';
import { ErrorCode, MessageType, transferList } from './protocol.mjs';

// How long one stretch of training runs before the worker reads its messages again.
const SLICE_MS = 10;
// At most this many rows are gathered into the wasm heap for one fit call.
const MAX_SEGMENT_ROWS = 1 << 16;
const TRAIN_KEYS = ['modelId', 'x', 'y', 'validationSplit', 'validationData', 'epochs', 'batchSize', 'shuffle', 'seed',
  'earlyStopping', 'progressEvery'];
const STEP_KEYS = ['modelId', 'epoch', 'x', 'y', 'validationSplit', 'validationData', 'batchSize', 'shuffle', 'seed'];
const DATA_KEYS = ['modelId', 'x', 'y', 'validationSplit', 'validationData'];

// ------------------------------------------------------------------ transport

const nodePort = typeof process === 'object' && process.versions && process.versions.node &&
  typeof process.getBuiltinModule === 'function'
  ? process.getBuiltinModule('node:worker_threads').parentPort
  : null;

function post(message) {
  const transfer = transferList(message.data);
  if (nodePort) nodePort.postMessage(message, transfer);
  else self.postMessage(message, transfer);
}

// Installed before any await, so no early message is lost.
if (nodePort) {
  nodePort.on('message', (message) => { receive(message); });
} else if (typeof self === 'object' && typeof self.postMessage === 'function') {
  self.onmessage = (event) => { receive(event.data); };
} else {
  throw new Error('worker.mjs must run in a Web Worker or a worker_threads Worker');
}

// Node runs immediates after pending messages; elsewhere a MessageChannel task
// does the same without setTimeout's 4 ms clamp.
const macrotask = typeof setImmediate === 'function'
  ? () => new Promise((resolve) => setImmediate(resolve))
  : (() => {
      const channel = new MessageChannel();
      const queue = [];
      channel.port1.onmessage = () => queue.shift()();
      return () => new Promise((resolve) => {
        queue.push(resolve);
        channel.port2.postMessage(0);
      });
    })();

class RequestError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// ------------------------------------------------------------------ state

let descent = null;
let loading = null;
let nextModelId = 1;
const models = new Map();

function needDescent() {
  if (!descent) throw new RequestError(ErrorCode.NOT_INITIALIZED, "descent is not loaded in this worker: send 'init' first");
  return descent;
}

function entryOf(data) {
  needDescent();
  const id = data.modelId;
  const entry = models.get(id);
  if (!entry) throw new RequestError(ErrorCode.UNKNOWN_MODEL, `unknown model id ${JSON.stringify(id)}`);
  return entry;
}

function asObject(data, where) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new RequestError(ErrorCode.FAILED, `${where}: data must be an object, got ${data === null ? 'null' : typeof data}`);
  }
  return data;
}

function checkKeys(where, object, allowed) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new RequestError(ErrorCode.FAILED, `${where}: unknown option '${key}' (allowed: ${allowed.join(', ')})`);
    }
  }
}

function integer(where, what, value, fallback, min, max) {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RequestError(ErrorCode.FAILED, `${where}: ${what} must be an integer in ${min}..${max}, got ${String(v)}`);
  }
  return v;
}

// ------------------------------------------------------------------ shuffle stream

// fit draws each epoch's permutation from the model's own generator (splitmix64
// and Lemire's bounded draw in core/common.c). The worker trains through
// fit(shuffle: false) over rows it permutes itself, so it keeps a copy of that
// generator per model: the same stream model.fit would have used. The 64-bit
// state is two uint32 halves, so a draw allocates nothing.
const U64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
const RNG_STREAM_SHUFFLE = 2n;

/** The high 32 bits of the 64-bit product of two uint32. */
function mulHigh(a, b) {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

class ShuffleStream {
  constructor(state) {
    this.state = state;
  }

  get state() {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  set state(value) {
    this.hi = Number(value >> 32n);
    this.lo = Number(value & 0xffffffffn);
  }

  /** rng_seed: a fresh stream from a seed, its first draw discarded. */
  seed(seed) {
    this.state = ((BigInt(seed) << 32n) ^ ((RNG_STREAM_SHUFFLE * 0xd1b54a32d192ed03n) & U64) ^ GOLDEN) & U64;
    this.nextHigh();
  }

  /** The high 32 bits of the next splitmix64 output. */
  nextHigh() {
    const lo = (this.lo + 0x7f4a7c15) >>> 0;
    this.hi = (this.hi + 0x9e3779b9 + (lo < 0x7f4a7c15 ? 1 : 0)) >>> 0;
    this.lo = lo;
    let zh = this.hi;
    let zl = lo;
    zl = (zl ^ ((zl >>> 30) | (zh << 2))) >>> 0;
    zh = (zh ^ (zh >>> 30)) >>> 0;
    zh = (mulHigh(zl, 0x1ce4e5b9) + Math.imul(zh, 0x1ce4e5b9) + Math.imul(zl, 0xbf58476d)) >>> 0;
    zl = Math.imul(zl, 0x1ce4e5b9) >>> 0;
    zl = (zl ^ ((zl >>> 27) | (zh << 5))) >>> 0;
    zh = (zh ^ (zh >>> 27)) >>> 0;
    zh = (mulHigh(zl, 0x133111eb) + Math.imul(zh, 0x133111eb) + Math.imul(zl, 0x94d049bb)) >>> 0;
    return (zh ^ (zh >>> 31)) >>> 0;
  }

  /** rng_below: uniform in 0..n-1. */
  below(n) {
    let r = this.nextHigh();
    let low = Math.imul(r, n) >>> 0;
    if (low < n) {
      const threshold = (0x100000000 - n) % n;
      while (low < threshold) {
        r = this.nextHigh();
        low = Math.imul(r, n) >>> 0;
      }
    }
    return mulHigh(r, n);
  }

  /** rng_shuffle of 0..n-1. */
  permutation(n) {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }
}

// The generator's state sits in a model file after the optimizer block's step
// count and Adam's two f32 powers (core/FORMAT.md).
function shuffleStateOffset(model) {
  return model.save().length + 16;
}

function readShuffleState(model) {
  const bytes = model.save({ withOptimizer: true });
  return new DataView(bytes.buffer).getBigUint64(shuffleStateOffset(model), true);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** model.save, with the shuffle state the worker has advanced in place of the model's own. */
function saveModel(entry, withOptimizer) {
  const bytes = entry.model.save({ withOptimizer });
  if (withOptimizer) {
    const view = new DataView(bytes.buffer);
    view.setBigUint64(shuffleStateOffset(entry.model), entry.shuffle.state, true);
    view.setUint32(12, crc32(bytes.subarray(16)), true);
  }
  return bytes;
}

// ------------------------------------------------------------------ data

function matrix(where, what, value, columns) {
  let flat;
  if (value instanceof Float32Array) {
    flat = value;
  } else if (value !== null && typeof value === 'object' && typeof value.length === 'number') {
    if (value.length > 0 && typeof value[0] === 'object' && value[0] !== null) {
      flat = new Float32Array(value.length * columns);
      for (let r = 0; r < value.length; r++) {
        const row = value[r];
        if (!row || row.length !== columns) {
          throw new RequestError(ErrorCode.FAILED, `${where}: ${what}[${r}] has ${row && row.length} values, expected ${columns}`);
        }
        for (let c = 0; c < columns; c++) flat[r * columns + c] = row[c];
      }
    } else {
      flat = Float32Array.from(value);
    }
  } else {
    throw new RequestError(ErrorCode.FAILED, `${where}: ${what} must be a Float32Array, an array of numbers or an array of rows`);
  }
  if (flat.length === 0 || flat.length % columns !== 0) {
    throw new RequestError(ErrorCode.FAILED,
      `${where}: ${what} has ${flat.length} values: expected a positive multiple of ${columns} (one row per sample)`);
  }
  const bad = flat.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new RequestError(ErrorCode.FAILED, `${where}: ${what}[${Math.floor(bad / columns)}][${bad % columns}] is ` +
      `${Number.isNaN(flat[bad]) ? 'NaN' : 'infinite'}: ${what.endsWith('y') ? 'targets' : 'inputs'} must be finite`);
  }
  return flat;
}

function pair(where, model, x, y, prefix = '') {
  const xs = matrix(where, `${prefix}x`, x, model.inputs);
  const ys = matrix(where, `${prefix}y`, y, model.outputs);
  const n = xs.length / model.inputs;
  if (ys.length / model.outputs !== n) {
    throw new RequestError(ErrorCode.FAILED, `${where}: ${prefix}x has ${n} rows but ${prefix}y has ${ys.length / model.outputs}`);
  }
  return [xs, ys, n];
}

/** Training rows and validation rows, split as Keras splits them: validation from the end, before shuffling. */
function trainingData(where, model, d) {
  const [x, y, n] = pair(where, model, d.x, d.y);
  const split = d.validationSplit === undefined ? 0 : d.validationSplit;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) {
    throw new RequestError(ErrorCode.FAILED, `${where}: validationSplit must be in [0, 1), got ${String(split)}`);
  }
  const out = { x, y, n, nTrain: n, vx: null, vy: null, nVal: 0, validationSplit: split };
  if (d.validationData !== undefined) {
    if (!Array.isArray(d.validationData) || d.validationData.length !== 2) {
      throw new RequestError(ErrorCode.FAILED, `${where}: validationData must be [x, y]`);
    }
    [out.vx, out.vy, out.nVal] = pair(where, model, d.validationData[0], d.validationData[1], 'validationData ');
  } else if (split > 0) {
    const nTrain = Math.floor(n * (1 - Math.fround(split)));
    if (nTrain < 1 || n - nTrain < 1) {
      throw new RequestError(ErrorCode.FAILED, `${where}: validationSplit ${split} of ${n} rows leaves ${nTrain} for ` +
        `training and ${n - nTrain} for validation: both need at least 1`);
    }
    out.nTrain = nTrain;
    out.nVal = n - nTrain;
    out.vx = x.subarray(nTrain * model.inputs);
    out.vy = y.subarray(nTrain * model.outputs);
  }
  return out;
}

function hasData(d) {
  return d.x !== undefined || d.y !== undefined || d.validationData !== undefined || d.validationSplit !== undefined;
}

function dataOf(where, entry, d) {
  if (hasData(d)) {
    if ((d.x === undefined) !== (d.y === undefined)) {
      throw new RequestError(ErrorCode.FAILED, `${where}: x and y go together: give both or neither`);
    }
    if (d.x === undefined) {
      // Validation options alone re-split the rows already held.
      if (!entry.data) throw new RequestError(ErrorCode.FAILED, `${where}: x and y are required`);
      const held = entry.data;
      return trainingData(where, entry.model, {
        x: held.x, y: held.y,
        validationSplit: d.validationSplit,
        validationData: d.validationData,
      });
    }
    return trainingData(where, entry.model, d);
  }
  if (!entry.data) {
    throw new RequestError(ErrorCode.FAILED, `${where}: model ${entry.id} has no training data: send x and y with this request or with setData`);
  }
  return entry.data;
}

// ------------------------------------------------------------------ training

/**
 * Epochs of mini-batch training on one model, as model.fit runs them: the
 * model's shuffle stream, the partial last batch, validation and early
 * stopping, the same float arithmetic. It advances in segments of whole
 * batches, each one fit(shuffle: false) call over rows already permuted, so it
 * can stop between any two batches.
 */
class Run {
  constructor(entry, data, o) {
    this.entry = entry;
    this.data = data;
    this.batchSize = Math.min(o.batchSize, data.nTrain);
    this.shuffle = o.shuffle;
    this.target = o.epochs;
    this.patience = o.patience;
    this.minDelta = o.minDelta;
    this.restore = o.restore;
    this.classify = entry.model.loss !== 'mse';
    this.trainId = o.trainId;
    this.progress = o.progress;
    this.history = { loss: [], val_loss: [], acc: [], val_acc: [] };
    this.epochs = 0;
    this.steps = 0;
    this.samples = 0;
    this.pos = 0;
    this.batch = 0;
    this.perm = null;
    this.lossSum = 0;
    this.correct = 0;
    this.lastLoss = NaN;
    this.best = Infinity;
    this.bestEpoch = -1;
    this.wait = 0;
    this.bestWeights = null;
    this.stoppedEarly = false;
    this.stopReason = null;
    this.paused = false;
    this.wake = null;
    this.started = performance.now();
    this.pausedMs = 0;
    this.pausedAt = 0;
    this.lastProgress = this.started;
  }

  get finished() {
    return this.stopReason !== null || this.stoppedEarly || this.epochs >= this.target;
  }

  get batchesLeftInEpoch() {
    return Math.ceil((this.data.nTrain - this.pos) / this.batchSize);
  }

  /** Trains up to `batches` batches, never past the end of the current epoch; returns that epoch's logs if it ended. */
  segment(batches) {
    const { model } = this.entry;
    const d = this.data;
    const B = this.batchSize;
    const inputs = model.inputs;
    const outputs = model.outputs;
    if (this.pos === 0) {
      this.perm = this.shuffle ? this.entry.shuffle.permutation(d.nTrain) : null;
      this.lossSum = 0;
      this.correct = 0;
      this.batch = 0;
    }
    const rows = Math.min(batches * B, d.nTrain - this.pos);
    let xs;
    let ys;
    if (this.perm) {
      xs = new Float32Array(rows * inputs);
      ys = new Float32Array(rows * outputs);
      const { x, y } = d;
      for (let i = 0; i < rows; i++) {
        const r = this.perm[this.pos + i];
        for (let c = 0, from = r * inputs, to = i * inputs; c < inputs; c++) xs[to + c] = x[from + c];
        for (let c = 0, from = r * outputs, to = i * outputs; c < outputs; c++) ys[to + c] = y[from + c];
      }
    } else {
      xs = d.x.subarray(this.pos * inputs, (this.pos + rows) * inputs);
      ys = d.y.subarray(this.pos * outputs, (this.pos + rows) * outputs);
    }
    const endsEpoch = this.pos + rows === d.nTrain;
    // Summed as fit sums them, in double, batch by batch, weighted by rows.
    const options = {
      epochs: 1,
      batchSize: B,
      shuffle: false,
      onBatchEnd: (b, logs) => {
        this.lossSum += logs.loss * Math.min(B, rows - b * B);
        this.lastLoss = logs.loss;
      },
    };
    if (endsEpoch && d.nVal) options.validationData = [d.vx, d.vy];
    const h = model.fit(xs, ys, options);
    const done = Math.ceil(rows / B);
    // fit reports acc as float32(correct / rows); rows < 2^23 makes that exact to recover.
    if (this.classify) this.correct += Math.round(h.history.acc[0] * rows);
    this.pos += rows;
    this.batch += done;
    this.steps += done;
    this.samples += rows;
    if (!endsEpoch) return null;
    this.pos = 0;
    this.batch = 0;
    this.perm = null;
    return this.endEpoch(h);
  }

  endEpoch(h) {
    const d = this.data;
    const logs = { loss: Math.fround(this.lossSum / d.nTrain) };
    if (d.nVal) logs.val_loss = h.history.val_loss[0];
    if (this.classify) {
      logs.acc = Math.fround(this.correct / d.nTrain);
      if (d.nVal) logs.val_acc = h.history.val_acc[0];
    }
    for (const key of Object.keys(logs)) this.history[key].push(logs[key]);
    const e = this.epochs++;
    const monitored = d.nVal ? logs.val_loss : logs.loss;
    if (monitored < Math.fround(this.best - this.minDelta)) {
      this.best = monitored;
      this.bestEpoch = e;
      this.wait = 0;
      if (this.restore) this.bestWeights = this.entry.model.getWeights();
    } else if (this.patience > 0 && ++this.wait >= this.patience) {
      this.stoppedEarly = true;
    }
    this.logs = logs;
    if (this.progress && this.progress.epochs && this.epochs % this.progress.epochs === 0) this.report();
    return logs;
  }

  /** Runs for about SLICE_MS, or `limit` batches, whichever is first. */
  slice(limit = Infinity) {
    const t0 = performance.now();
    let left = limit;
    while (!this.finished && left > 0) {
      const elapsed = performance.now() - t0;
      if (elapsed >= SLICE_MS) break;
      const perBatch = this.msPerBatch;
      let n = perBatch > 0 ? Math.max(1, Math.floor((SLICE_MS - elapsed) / perBatch)) : 1;
      n = Math.min(n, left, this.batchesLeftInEpoch, Math.max(1, Math.floor(MAX_SEGMENT_ROWS / this.batchSize)));
      const ts = performance.now();
      this.segment(n);
      this.msPerBatch = (performance.now() - ts) / n;
      left -= n;
    }
  }

  pause() {
    if (!this.paused) {
      this.paused = true;
      this.pausedAt = performance.now();
    }
  }

  resume() {
    if (this.paused) {
      this.paused = false;
      this.pausedMs += performance.now() - this.pausedAt;
    }
    this.poke();
  }

  stop(reason) {
    if (this.stopReason === null) this.stopReason = reason;
    this.poke();
  }

  poke() {
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  state() {
    return { epoch: this.epochs, batch: this.batch, steps: this.steps, paused: this.paused };
  }

  snapshot() {
    const d = this.data;
    const out = { epoch: this.epochs, batch: this.batch, steps: this.steps };
    const last = this.logs;
    if (this.pos > 0) {
      out.loss = Math.fround(this.lossSum / this.pos);
      if (this.classify) out.acc = Math.fround(this.correct / this.pos);
    } else if (last) {
      out.loss = last.loss;
      if (last.acc !== undefined) out.acc = last.acc;
    }
    if (last && d.nVal) {
      out.val_loss = last.val_loss;
      if (last.val_acc !== undefined) out.val_acc = last.val_acc;
    }
    const now = this.paused ? this.pausedAt : performance.now();
    const seconds = Math.max(1e-6, (now - this.started - this.pausedMs) / 1000);
    out.stepsPerSecond = this.steps / seconds;
    out.samplesPerSecond = this.samples / seconds;
    return out;
  }

  report(final = false) {
    this.lastProgress = performance.now();
    const data = this.snapshot();
    if (final) data.final = true;
    post({ id: this.trainId, type: MessageType.PROGRESS, data });
  }

  result() {
    const count = this.epochs;
    const history = { loss: this.history.loss };
    if (this.data.nVal) history.val_loss = this.history.val_loss;
    if (this.classify) {
      history.acc = this.history.acc;
      if (this.data.nVal) history.val_acc = this.history.val_acc;
    }
    return {
      epoch: Array.from({ length: count }, (_, i) => i),
      epochs: count,
      history,
      stopped: this.stopReason ?? (this.stoppedEarly ? 'early-stopped' : 'completed'),
      bestEpoch: this.bestEpoch,
      steps: this.steps,
    };
  }

  /** The train request's loop: slices of batches with a macrotask between, parked while paused. */
  async drive() {
    try {
      while (!this.finished) {
        if (this.paused) {
          await new Promise((resolve) => { this.wake = resolve; });
          continue;
        }
        this.slice();
        if (this.progress && this.progress.ms && performance.now() - this.lastProgress >= this.progress.ms) this.report();
        await macrotask();
      }
      // Like fit, the best weights come back however the run ended.
      if (this.bestWeights && this.bestEpoch >= 0) this.entry.model.setWeights(this.bestWeights);
      if (this.progress) this.report(true);
      return this.result();
    } finally {
      if (this.entry.run === this) this.entry.run = null;
    }
  }
}

function fitOptions(where, t) {
  const o = {
    batchSize: integer(where, 'batchSize', t.batchSize, 32, 1, 2 ** 31 - 1),
    shuffle: t.shuffle === undefined ? true : t.shuffle,
    seed: integer(where, 'seed', t.seed, 0, 0, 0xffffffff),
    patience: 0,
    minDelta: 0,
    restore: false,
  };
  if (typeof o.shuffle !== 'boolean') throw new RequestError(ErrorCode.FAILED, `${where}: shuffle must be true or false`);
  const es = t.earlyStopping;
  if (es !== undefined && es !== false) {
    const w = `${where}: earlyStopping`;
    if (es === null || typeof es !== 'object') throw new RequestError(ErrorCode.FAILED, `${w} must be an object`);
    checkKeys(w, es, ['patience', 'minDelta', 'restoreBestWeights']);
    o.patience = integer(w, 'patience', es.patience, undefined, 1, 1e7);
    const minDelta = es.minDelta === undefined ? 0 : es.minDelta;
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) {
      throw new RequestError(ErrorCode.FAILED, `${w}: minDelta must be a finite number >= 0`);
    }
    o.minDelta = Math.fround(minDelta);
    o.restore = es.restoreBestWeights === true;
  }
  return o;
}

function progressOptions(where, p) {
  if (p === undefined || p === null || p === false) return null;
  if (typeof p === 'number') p = { ms: p };
  if (typeof p !== 'object') throw new RequestError(ErrorCode.FAILED, `${where}: progressEvery must be a number of ms or {ms, epochs}`);
  checkKeys(`${where}: progressEvery`, p, ['ms', 'epochs']);
  const ms = p.ms === undefined ? 0 : p.ms;
  if (typeof ms !== 'number' || !(ms >= 0)) throw new RequestError(ErrorCode.FAILED, `${where}: progressEvery.ms must be a number >= 0`);
  const epochs = integer(`${where}: progressEvery`, 'epochs', p.epochs, 0, 0, 1e7);
  // ms 0 means after every slice of batches.
  return { ms: ms || (epochs ? 0 : Number.MIN_VALUE), epochs };
}

/** Waits out a run that was told to stop; a run still going is an error. */
async function idle(entry, where) {
  if (entry.run && entry.run.stopReason !== null) await entry.run.finishing.catch(() => {});
  if (entry.run) {
    throw new RequestError(ErrorCode.BUSY, `${where}: model ${entry.id} is training (request ${entry.run.trainId}); stop it first`);
  }
}

function activeRun(entry, where) {
  if (!entry.run) throw new RequestError(ErrorCode.NOT_TRAINING, `${where}: model ${entry.id} is not training`);
  return entry.run;
}

// ------------------------------------------------------------------ handlers

function modelInfo(entry) {
  const m = entry.model;
  return { modelId: entry.id, inputs: m.inputs, outputs: m.outputs, loss: m.loss, paramCount: m.paramCount };
}

function addModel(model) {
  const entry = { id: nextModelId++, model, shuffle: new ShuffleStream(readShuffleState(model)), data: null, run: null, manual: null };
  models.set(entry.id, entry);
  return modelInfo(entry);
}

const handlers = {
  async [MessageType.INIT](data) {
    checkKeys('init', data, ['simd', 'baseUrl']);
    if (!loading) {
      loading = loadDescent(data);
      loading.catch(() => { loading = null; });
    } else if (data.simd !== undefined && data.simd !== 'auto' && descent && data.simd !== descent.simd) {
      throw new RequestError(ErrorCode.FAILED, `init: descent is already loaded with simd: ${descent.simd}`);
    }
    descent = await loading;
    return { simd: descent.simd, version: descent.version };
  },

  [MessageType.CREATE](data) {
    const d = needDescent();
    checkKeys('create', data, ['config']);
    return addModel(d.createModel(data.config));
  },

  [MessageType.LOAD](data) {
    const d = needDescent();
    checkKeys('load', data, ['bytes']);
    return addModel(d.loadModel(data.bytes));
  },

  async [MessageType.DISPOSE](data) {
    const entry = entryOf(data);
    models.delete(entry.id);
    if (entry.run) {
      const run = entry.run;
      run.stop('stopped');
      await run.finishing.catch(() => {});
    }
    entry.model.dispose();
    return { modelId: entry.id };
  },

  async [MessageType.SET_DATA](data) {
    const entry = entryOf(data);
    checkKeys('setData', data, DATA_KEYS);
    await idle(entry, 'setData');
    entry.data = trainingData('setData', entry.model, data);
    entry.manual = null;
    return { rows: entry.data.n, trainRows: entry.data.nTrain, validationRows: entry.data.nVal };
  },

  async [MessageType.TRAIN](data, id) {
    const entry = entryOf(data);
    const where = 'train';
    checkKeys(where, data, TRAIN_KEYS);
    await idle(entry, where);
    const o = fitOptions(where, data);
    const epochs = integer(where, 'epochs', data.epochs, 1, 1, 1e7);
    const progress = progressOptions(where, data.progressEvery);
    const d = dataOf(where, entry, data);
    entry.data = d;
    entry.manual = null;
    if (o.seed) entry.shuffle.seed(o.seed);
    const run = new Run(entry, d, { ...o, epochs, trainId: id, progress });
    entry.run = run;
    run.finishing = run.drive();
    return run.finishing;
  },

  async [MessageType.STEP](data) {
    const entry = entryOf(data);
    const where = 'step';
    checkKeys(where, data, STEP_KEYS);
    if (entry.run && entry.run.stopReason !== null) await entry.run.finishing.catch(() => {});
    let run = entry.run;
    if (run && !run.paused) {
      throw new RequestError(ErrorCode.BUSY, `step: model ${entry.id} is training (request ${run.trainId}); pause it first`);
    }
    const fresh = STEP_KEYS.some((k) => k !== 'modelId' && k !== 'epoch' && data[k] !== undefined);
    if (run && fresh) throw new RequestError(ErrorCode.FAILED, 'step: a paused training run keeps its own data and options');
    if (!run) {
      if (fresh || !entry.manual) {
        const o = fitOptions(where, data);
        const d = dataOf(where, entry, data);
        entry.data = d;
        if (o.seed) entry.shuffle.seed(o.seed);
        entry.manual = new Run(entry, d, { ...o, epochs: Infinity, trainId: null, progress: null });
      }
      run = entry.manual;
    }
    const startEpochs = run.epochs;
    const startSteps = run.steps;
    if (data.epoch === true) {
      while (run.epochs === startEpochs && !run.finished) {
        run.slice(run.batchesLeftInEpoch);
        if (run.epochs === startEpochs && !run.finished) await macrotask();
      }
    } else if (!run.finished) {
      run.segment(1);
    }
    if (run.progress) run.report();
    run.poke();
    const out = { ...run.state(), stepsDone: run.steps - startSteps, loss: run.lastLoss };
    if (run.epochs > startEpochs) {
      out.logs = run.logs;
      if (data.epoch === true) out.loss = run.logs.loss;
    }
    return out;
  },

  [MessageType.PAUSE](data) {
    const run = activeRun(entryOf(data), 'pause');
    run.pause();
    return run.state();
  },

  [MessageType.RESUME](data) {
    const run = activeRun(entryOf(data), 'resume');
    run.resume();
    return run.state();
  },

  [MessageType.STOP](data) {
    const run = activeRun(entryOf(data), 'stop');
    run.stop('stopped');
    return run.state();
  },

  [MessageType.SET_LEARNING_RATE](data) {
    const entry = entryOf(data);
    checkKeys('setLearningRate', data, ['modelId', 'learningRate']);
    entry.model.setLearningRate(data.learningRate);
    return entry.model.getOptimizer();
  },

  [MessageType.SET_OPTIMIZER](data) {
    const entry = entryOf(data);
    checkKeys('setOptimizer', data, ['modelId', 'optimizer']);
    entry.model.setOptimizer(data.optimizer);
    return entry.model.getOptimizer();
  },

  [MessageType.PREDICT](data) {
    const entry = entryOf(data);
    checkKeys('predict', data, ['modelId', 'x']);
    return entry.model.predict(data.x);
  },

  [MessageType.EVALUATE](data) {
    const entry = entryOf(data);
    checkKeys('evaluate', data, ['modelId', 'x', 'y']);
    return { loss: entry.model.evaluate(data.x, data.y) };
  },

  [MessageType.GET_WEIGHTS](data) {
    const entry = entryOf(data);
    checkKeys('getWeights', data, ['modelId']);
    return entry.model.getWeights();
  },

  [MessageType.SET_WEIGHTS](data) {
    const entry = entryOf(data);
    checkKeys('setWeights', data, ['modelId', 'weights']);
    entry.model.setWeights(data.weights);
    return { modelId: entry.id };
  },

  [MessageType.SAVE](data) {
    const entry = entryOf(data);
    checkKeys('save', data, ['modelId', 'withOptimizer']);
    if (data.withOptimizer !== undefined && typeof data.withOptimizer !== 'boolean') {
      throw new RequestError(ErrorCode.FAILED, 'save: withOptimizer must be true or false');
    }
    return saveModel(entry, data.withOptimizer === true);
  },
};

const REPLY_TYPES = [MessageType.RESULT, MessageType.ERROR, MessageType.PROGRESS];
const REQUEST_TYPES = Object.values(MessageType).filter((t) => !REPLY_TYPES.includes(t));

async function receive(message) {
  const id = message !== null && typeof message === 'object' ? message.id : undefined;
  try {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw new RequestError(ErrorCode.FAILED, 'a message must be an object {id, type, data}');
    }
    const { type } = message;
    if (!REQUEST_TYPES.includes(type)) {
      throw new RequestError(ErrorCode.UNKNOWN_TYPE,
        `unknown message type ${JSON.stringify(type)} (known: ${REQUEST_TYPES.join(', ')})`);
    }
    const data = asObject(message.data === undefined ? {} : message.data, type);
    const result = await handlers[type](data, id);
    post({ id, type: MessageType.RESULT, data: result === undefined ? null : result });
  } catch (e) {
    const code = e instanceof RequestError ? e.code : ErrorCode.FAILED;
    const text = e instanceof Error ? e.message : String(e);
    try {
      post({ id, type: MessageType.ERROR, data: { code, message: text } });
    } catch {
      // The id itself could not be cloned: nothing can be routed back.
    }
  }
}
