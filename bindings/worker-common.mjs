// worker-common.mjs - what the worker's parts share (worker.mjs and
// worker-*.mjs): posting to the client, the errors a request gets, the
// loaded descent and the models by id.

import { ErrorCode, transferList } from './protocol.mjs';

// Node's parentPort: synchronously where Node has getBuiltinModule (20.16+),
// else through a dynamic import (Node 18).
const isNode = typeof process === 'object' && process.versions && process.versions.node;
export const nodePort = !isNode ? null
  : (typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:worker_threads')
    : await import('node:worker_threads')).parentPort;

export function post(message) {
  const transfer = transferList(message.data);
  if (nodePort) nodePort.postMessage(message, transfer);
  else self.postMessage(message, transfer);
}

// Node runs immediates after pending messages; elsewhere a MessageChannel task
// does the same without setTimeout's 4 ms clamp.
export const macrotask = typeof setImmediate === 'function'
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

export class RequestError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export const failed = (message) => new RequestError(ErrorCode.FAILED, message);

/** A value from a request as message text, whatever it is (BigInt, Map, a cycle). */
export function shown(v) {
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return typeof v;
  }
}

export function boolOption(where, data, key) {
  const v = data[key];
  if (v !== undefined && typeof v !== 'boolean') throw failed(`${where}: ${key} must be true or false, got ${shown(v)}`);
  return v;
}

/**
 * descent's errors from the call a request makes ('trainer: ...',
 * 'trainTestSplit: ...'), named after the request; a diverged run's history
 * (its finished epochs) takes the shape of train's result, for the error reply.
 */
export function renamed(where, e, calls = 'trainer(\\.run)?') {
  if (e instanceof Error && !(e instanceof RequestError)) e.message = e.message.replace(new RegExp(`^(${calls}):`), `${where}:`);
  if (e && e.history && e.history.epochs === undefined) e.history = { ...e.history, epochs: e.history.epoch.length };
  return e;
}

// ------------------------------------------------------------------ state

/** The loaded descent (worker.mjs's init sets it) and the models by id. */
export const session = { descent: null };
let nextModelId = 1;
/** id -> {id, model, data (the rows train and step use by default), test (rows scored once an epoch),
 *  metrics (the latest epoch's), trainer (the model's latest), run (a train request's)} */
export const models = new Map();

export function needDescent() {
  if (!session.descent) throw new RequestError(ErrorCode.NOT_INITIALIZED, "descent is not loaded in this worker: send 'init' first");
  return session.descent;
}

export function entryOf(where, data) {
  needDescent();
  const entry = models.get(data.modelId);
  if (!entry) throw new RequestError(ErrorCode.UNKNOWN_MODEL, `${where}: unknown model id ${shown(data.modelId)}`);
  return entry;
}

export function checkKeys(where, object, allowed) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw failed(`${where}: unknown option '${key}' (allowed: ${allowed.join(', ')})`);
  }
}

export const pick = (object, keys) => Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, object[k]]));
export const rowsOf = (m, columns) => (m.length > 0 && typeof m[0] === 'object' ? m.length : m.length / columns);

/** A model in the worker: its entry, and the create / load result. */
export function addModel(model) {
  const entry = { id: nextModelId++, model, data: null, test: null, metrics: null, trainer: null, run: null };
  models.set(entry.id, entry);
  return { modelId: entry.id, inputs: model.inputs, outputs: model.outputs, loss: model.loss, paramCount: model.paramCount };
}
