// protocol.mjs - the message vocabulary shared by worker.mjs and client.mjs.
// Every message is one envelope {id, type, data}; replies carry the request's id.

/** The only values `type` may take, in requests and in replies. */
export const MessageType = Object.freeze({
  INIT: 'init',
  CREATE: 'create',
  LOAD: 'load',
  DISPOSE: 'dispose',
  SET_DATA: 'setData',
  TRAIN: 'train',
  STEP: 'step',
  PAUSE: 'pause',
  RESUME: 'resume',
  STOP: 'stop',
  SET_LEARNING_RATE: 'setLearningRate',
  SET_OPTIMIZER: 'setOptimizer',
  PREDICT: 'predict',
  EVALUATE: 'evaluate',
  LAYER_OUTPUTS: 'layerOutputs',
  GET_WEIGHTS: 'getWeights',
  SET_WEIGHTS: 'setWeights',
  SAVE: 'save',
  EXPORT: 'export',
  PARSE_CSV: 'parseCSV',
  SET_PREPROCESSING: 'setPreprocessing',
  DESCRIBE: 'describe',
  GENERATE: 'generate',
  // Hyper-parameter search: a search kept in the worker by id, its configurations cross-validated one per request.
  SEARCH: 'search',
  CROSS_VALIDATE: 'crossValidate',
  REFIT: 'refit',
  DISPOSE_SEARCH: 'disposeSearch',
  // Explorers of gradient descent (explore.mjs), computed by the core in the worker.
  GRADIENT_STATS: 'gradientStats',
  FIND_LEARNING_RATE: 'findLearningRate',
  COMPARE_OPTIMIZERS: 'compareOptimizers',
  LOSS_SURFACE: 'lossSurface',
  // Worker to client only.
  RESULT: 'result',
  ERROR: 'error',
  PROGRESS: 'progress',
});

/** data.code of an 'error' reply. */
export const ErrorCode = Object.freeze({
  /** the request's type is not a MessageType a client may send */
  UNKNOWN_TYPE: 'unknown-type',
  /** no model has the request's modelId */
  UNKNOWN_MODEL: 'unknown-model',
  /** no search has the request's searchId */
  UNKNOWN_SEARCH: 'unknown-search',
  /** a request other than init before init */
  NOT_INITIALIZED: 'not-initialized',
  /** the model is training, and the request needs it idle or paused */
  BUSY: 'busy',
  /** pause, resume or stop for a model that is not training */
  NOT_TRAINING: 'not-training',
  /**
   * anything descent or the worker rejected: bad options, bad data, C errors.
   * A train or step whose run diverged also carries data.history (the run's
   * finished epochs, as train's result) and data.divergence ({epoch, batch,
   * restoredEpochs}); the model is rolled back, ready for a lower rate.
   */
  FAILED: 'failed',
});

/** The ArrayBuffers under every typed array in value that spans its whole buffer (arrays and plain objects searched), once each. */
export function transferList(value) {
  const buffers = new Set();
  const visit = (v, depth) => {
    if (v === null || typeof v !== 'object' || depth > 8) return;
    if (ArrayBuffer.isView(v)) {
      // A SharedArrayBuffer is shared, never transferred; a detached one cannot be; a view of part
      // of its buffer is copied, as giving the buffer away would empty the rest of it, the caller's.
      if (v.buffer instanceof ArrayBuffer && v.byteLength > 0 && v.byteLength === v.buffer.byteLength) buffers.add(v.buffer);
      return;
    }
    if (v instanceof ArrayBuffer) {
      if (v.byteLength > 0) buffers.add(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) visit(item, depth + 1);
      return;
    }
    if (Object.getPrototypeOf(v) === Object.prototype) {
      for (const key of Object.keys(v)) visit(v[key], depth + 1);
    }
  };
  visit(value, 0);
  return [...buffers];
}
