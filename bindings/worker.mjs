// worker.mjs - descent in a Web Worker (new Worker(url, {type: 'module'})) or a
// Node worker_threads Worker: one loaded wasm instance, models by id, and
// training through model.trainer in slices of batches, yielding to the message
// loop between slices; and hyper-parameter searches, one configuration's
// cross-validation per request (tune-pool.mjs runs one worker per core).
// client.mjs speaks to it; the protocol (MessageType in protocol.mjs) is
// {id, type, data} both ways.
// The parts: worker-common.mjs (errors, state), worker-train.mjs (training),
// worker-data.mjs (data sets) and worker-tune.mjs (searches).

import { loadDescent } from './descent.mjs';
import { ErrorCode, MessageType } from './protocol.mjs';
import {
  RequestError, addModel, checkKeys, entryOf, failed, models, needDescent, nodePort, post, renamed, session, shown,
} from './worker-common.mjs';
import { dataHandlers } from './worker-data.mjs';
import { exploreHandlers } from './worker-explore.mjs';
import { trainHandlers } from './worker-train.mjs';
import { tuneHandlers } from './worker-tune.mjs';

// Installed before any await, so no early message is lost.
if (nodePort) {
  nodePort.on('message', (message) => { receive(message); });
} else if (typeof self === 'object' && typeof self.postMessage === 'function') {
  self.onmessage = (event) => { receive(event.data); };
} else {
  throw new Error('worker.mjs must run in a Web Worker or a worker_threads Worker');
}

let loading = null;

/** A model's architecture, optimizer, preprocessing and names. */
function describe(entry) {
  const { model } = entry;
  return {
    modelId: entry.id, inputs: model.inputs, outputs: model.outputs, loss: model.loss, paramCount: model.paramCount,
    seed: model.seed, stepCount: model.stepCount, layers: model.layers, optimizer: model.getOptimizer(),
    inputScaler: model.getInputScaler(), targetScaler: model.getTargetScaler(), names: model.getNames(),
  };
}

const handlers = {
  ...tuneHandlers,
  ...trainHandlers,
  ...dataHandlers,
  ...exploreHandlers,

  async [MessageType.INIT](data) {
    checkKeys('init', data, ['simd', 'baseUrl', 'tune']);
    if (!loading) {
      loading = loadDescent(data).catch((e) => { throw renamed('init', e, 'loadDescent'); });
      loading.catch(() => { loading = null; });
    } else if (data.simd !== undefined && data.simd !== 'auto' && session.descent && data.simd !== session.descent.simd) {
      throw failed(`init: descent is already loaded with simd: ${session.descent.simd}`);
    } else if (data.tune !== undefined && session.descent && data.tune !== session.descent.tuning) {
      throw failed(`init: descent is already loaded with tune: ${session.descent.tuning}`);
    }
    const descent = await loading;
    session.descent = descent;
    return { simd: descent.simd, version: descent.version, tune: descent.tuning };
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
    checkKeys('dispose', data, ['modelId']);
    const entry = entryOf('dispose', data);
    models.delete(entry.id);
    if (entry.run) {
      const run = entry.run;
      run.stop();
      await run.finishing.catch(() => {});
    }
    entry.model.dispose();
    return { modelId: entry.id };
  },

  [MessageType.SET_LEARNING_RATE](data) {
    checkKeys('setLearningRate', data, ['modelId', 'learningRate']);
    const entry = entryOf('setLearningRate', data);
    entry.model.setLearningRate(data.learningRate);
    return entry.model.getOptimizer();
  },

  [MessageType.SET_OPTIMIZER](data) {
    checkKeys('setOptimizer', data, ['modelId', 'optimizer']);
    const entry = entryOf('setOptimizer', data);
    entry.model.setOptimizer(data.optimizer);
    return entry.model.getOptimizer();
  },

  [MessageType.PREDICT](data) {
    checkKeys('predict', data, ['modelId', 'x']);
    const entry = entryOf('predict', data);
    return entry.model.predict(data.x);
  },

  [MessageType.EVALUATE](data) {
    checkKeys('evaluate', data, ['modelId', 'x', 'y']);
    const entry = entryOf('evaluate', data);
    const loss = entry.model.evaluate(data.x, data.y);
    try {
      return { loss, metrics: entry.model.metrics(data.x, data.y) };
    } catch (e) {
      throw renamed('evaluate', e, 'metrics');
    }
  },

  [MessageType.LAYER_OUTPUTS](data) {
    checkKeys('layerOutputs', data, ['modelId', 'x']);
    const entry = entryOf('layerOutputs', data);
    return { outputs: entry.model.layerOutputs(data.x) };
  },

  [MessageType.GET_WEIGHTS](data) {
    checkKeys('getWeights', data, ['modelId']);
    const entry = entryOf('getWeights', data);
    return entry.model.getWeights();
  },

  [MessageType.SET_WEIGHTS](data) {
    checkKeys('setWeights', data, ['modelId', 'weights']);
    const entry = entryOf('setWeights', data);
    entry.model.setWeights(data.weights);
    return { modelId: entry.id };
  },

  [MessageType.SET_PREPROCESSING](data) {
    checkKeys('setPreprocessing', data, ['modelId', 'inputScaler', 'targetScaler', 'names']);
    const entry = entryOf('setPreprocessing', data);
    const { model } = entry;
    if (data.inputScaler !== undefined) model.setInputScaler(data.inputScaler);
    if (data.targetScaler !== undefined) model.setTargetScaler(data.targetScaler);
    if (data.names !== undefined) model.setNames(data.names);
    return describe(entry);
  },

  [MessageType.DESCRIBE](data) {
    checkKeys('describe', data, ['modelId']);
    const entry = entryOf('describe', data);
    return describe(entry);
  },

  [MessageType.SAVE](data) {
    checkKeys('save', data, ['modelId', 'withOptimizer']);
    const entry = entryOf('save', data);
    return entry.model.save({ withOptimizer: data.withOptimizer });
  },

  async [MessageType.EXPORT](data) {
    checkKeys('export', data, ['modelId', 'format', 'protobufUrl']);
    const entry = entryOf('export', data);
    if (data.format !== 'onnx' && data.format !== 'tfjs') throw failed(`export: format must be 'onnx' or 'tfjs', got ${shown(data.format)}`);
    if (data.format === 'tfjs') {
      const a = await entry.model.toTfjs();
      const { weightData, ...json } = a;
      const modelJson = JSON.stringify({ ...json, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] });
      return { format: 'tfjs', modelJson, weights: new Uint8Array(weightData) };
    }
    // protobufjs's minimal build sets globalThis.protobuf (a page serves it; Node imports the package)
    if (data.protobufUrl !== undefined && !globalThis.protobuf) await import(new URL(data.protobufUrl, import.meta.url).href);
    return { format: 'onnx', bytes: await entry.model.toOnnx() };
  },
};

const REPLY_TYPES = [MessageType.RESULT, MessageType.ERROR, MessageType.PROGRESS];
const REQUEST_TYPES = Object.values(MessageType).filter((t) => !REPLY_TYPES.includes(t));

async function receive(message) {
  const id = message !== null && typeof message === 'object' ? message.id : undefined;
  try {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw failed('a message must be an object {id, type, data}');
    }
    const { type } = message;
    if (!REQUEST_TYPES.includes(type)) {
      throw new RequestError(ErrorCode.UNKNOWN_TYPE,
        `unknown message type ${shown(type)} (known: ${REQUEST_TYPES.join(', ')})`);
    }
    const data = message.data === undefined ? {} : message.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw failed(`${type}: data must be an object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
    }
    const result = await handlers[type](data, id);
    post({ id, type: MessageType.RESULT, data: result === undefined ? null : result });
  } catch (e) {
    const code = e instanceof RequestError ? e.code : ErrorCode.FAILED;
    const text = e instanceof Error ? e.message : String(e);
    const data = { code, message: text };
    // A run that diverged: the model is rolled back; the epochs it finished come along.
    if (e && e.history) Object.assign(data, { history: e.history, divergence: e.divergence });
    try {
      post({ id, type: MessageType.ERROR, data });
    } catch {
      // The id itself could not be cloned: nothing can be routed back.
    }
  }
}
