// interop-tfjs.mjs - a descent model as TensorFlow.js layers-model artifacts,
// and back.
//
// toTfjs(model) gives TF.js ModelArtifacts: a Sequential of Dense layers
// (Keras's names for the activations; descent's leaky ReLU is a linear Dense
// followed by a LeakyReLU layer with descent's slope as its alpha), the
// weights as one float32 buffer in the order of weightSpecs, and the model's
// scalers folded into the first and last layer (interop-fold.mjs), so the
// TF.js model predicts on raw inputs. userDefinedMetadata.descent keeps the
// recipe: { format, task, loss, inputScaler, targetScaler, classNames,
// featureNames, targetName, addedBias }. Load it in TF.js with
// tf.loadLayersModel(tf.io.fromMemory(artifacts)).
//
// fromTfjs(descent, artifacts) builds a descent model from such artifacts
// (or from model.json's parsed object with its weight file's bytes as
// weightData): Dense layers with linear, relu, sigmoid, tanh or softmax; an
// InputLayer first; an Activation or LeakyReLU layer right after a linear
// Dense becomes that layer's activation. Any other layer is refused, naming
// its class and index. With descent's recipe in the metadata, the folding is
// undone (a bias added only to hold a scaler is dropped again, unless it was
// trained since) and the scalers and names restored.

import { foldModel, unfold } from './interop-fold.mjs';

const RECIPE_FORMAT = 'descent-interop 1';
// descent's activation names and Keras's (descent's leaky_relu is a layer of its own there).
const KERAS_ACTIVATIONS = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax' };
const KERAS_LOSSES = {
  mse: 'mse', mean_squared_error: 'mse', meanSquaredError: 'mse',
  binary_crossentropy: 'binary_crossentropy', binaryCrossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy', categoricalCrossentropy: 'categorical_crossentropy',
};

/** The model as TF.js ModelArtifacts (format 'layers-model'); the model is not changed. */
export function toTfjs(model) {
  const where = 'toTfjs';
  const { inputs, layers, recipe } = foldModel(model, where);
  const topologyLayers = [];
  const weightSpecs = [];
  const buffers = [];
  let leaky = 0;
  layers.forEach((layer, l) => {
    const name = `dense_Dense${l + 1}`;
    const regularized = layer.l1 !== 0 || layer.l2 !== 0;
    const config = {
      units: layer.units,
      activation: layer.activation === 'leaky_relu' ? 'linear' : KERAS_ACTIVATIONS[layer.activation],
      use_bias: layer.bias !== null,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: regularized ? { class_name: 'L1L2', config: { l1: layer.l1, l2: layer.l2 } } : null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      name,
      trainable: true,
    };
    if (!config.activation) throw new Error(`${where}: layer ${l} has activation ${layer.activation}, which TF.js has no name for`);
    if (l === 0) {
      config.batch_input_shape = [null, inputs];
      config.dtype = 'float32';
    }
    topologyLayers.push({ class_name: 'Dense', config });
    if (layer.activation === 'leaky_relu') {
      leaky++;
      topologyLayers.push({
        class_name: 'LeakyReLU',
        config: { alpha: layer.alpha, name: `leaky_re_lu_LeakyReLU${leaky}`, trainable: true },
      });
    }
    weightSpecs.push({ name: `${name}/kernel`, shape: [layer.fanIn, layer.units], dtype: 'float32' });
    buffers.push(layer.kernel);
    if (layer.bias) {
      weightSpecs.push({ name: `${name}/bias`, shape: [layer.units], dtype: 'float32' });
      buffers.push(layer.bias);
    }
  });
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const data = new Float32Array(total);
  let off = 0;
  for (const b of buffers) {
    data.set(b, off);
    off += b.length;
  }
  return {
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'sequential_1', layers: topologyLayers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: 'descent',
    convertedBy: 'descent toTfjs',
    weightSpecs,
    weightData: data.buffer,
    userDefinedMetadata: { descent: { format: RECIPE_FORMAT, ...recipe } },
  };
}

function describe(layer, i) {
  const cls = layer && typeof layer.class_name === 'string' ? layer.class_name : String(layer && layer.class_name);
  const name = layer && layer.config && typeof layer.config.name === 'string' ? ` "${layer.config.name}"` : '';
  return `layer ${i} (${cls}${name})`;
}

/** [null, n] (or Keras 3's batch_shape) as n, else null. */
function inputWidth(config) {
  const shape = config.batch_input_shape ?? config.batchInputShape ?? config.batch_shape;
  if (!Array.isArray(shape)) return null;
  if (shape.length !== 2 || !Number.isSafeInteger(shape[1]) || shape[1] < 1) return -1;
  return shape[1];
}

/** weightData as one ArrayBuffer: TF.js gives an ArrayBuffer or an array of them; a file gives bytes. */
function weightBytes(where, data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data) && data.every((b) => b instanceof ArrayBuffer)) {
    const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
    let off = 0;
    for (const b of data) {
      out.set(new Uint8Array(b), off);
      off += b.byteLength;
    }
    return out;
  }
  throw new Error(`${where}: artifacts.weightData must be an ArrayBuffer (or an array of them, or bytes)`);
}

/** A descent model from TF.js layers-model artifacts (see above). */
export function fromTfjs(descent, artifacts) {
  const where = 'fromTfjs';
  if (!artifacts || typeof artifacts !== 'object') throw new Error(`${where}: artifacts must be TF.js ModelArtifacts (an object)`);
  if (artifacts.format !== undefined && artifacts.format !== 'layers-model') {
    throw new Error(`${where}: artifacts.format is ${JSON.stringify(artifacts.format)}: only 'layers-model' holds Keras layers`);
  }
  let topology = artifacts.modelTopology;
  if (typeof topology === 'string') {
    try {
      topology = JSON.parse(topology);
    } catch (e) {
      throw new Error(`${where}: artifacts.modelTopology is a string but not JSON (${e.message})`);
    }
  }
  if (!topology || typeof topology !== 'object') throw new Error(`${where}: artifacts.modelTopology is missing`);
  if (topology.model_config) topology = topology.model_config;
  if (topology.class_name !== 'Sequential') {
    throw new Error(`${where}: the model is a ${topology.class_name}: descent takes a Sequential of Dense layers`);
  }
  const list = Array.isArray(topology.config) ? topology.config : topology.config && topology.config.layers;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${where}: the Sequential has no layers`);

  // The layers: Dense, with what follows a linear Dense folded into it.
  let inputs = null;
  const dense = [];
  list.forEach((layer, i) => {
    const cls = layer && layer.class_name;
    const config = (layer && layer.config) || {};
    const width = inputWidth(config);
    if (width === -1) throw new Error(`${where}: ${describe(layer, i)} has input shape ${JSON.stringify(config.batch_input_shape ?? config.batch_shape)}: descent takes [null, features]`);
    if (width !== null && inputs === null && dense.length === 0) inputs = width;
    const previous = dense[dense.length - 1];
    const afterLinear = (what) => {
      if (!previous || previous.activation !== 'linear' || previous.followed) {
        throw new Error(`${where}: ${describe(layer, i)}: descent takes ${what} only right after a Dense layer with a linear activation`);
      }
      previous.followed = true;
      return previous;
    };
    if (cls === 'InputLayer') {
      if (i !== 0) throw new Error(`${where}: ${describe(layer, i)}: an InputLayer must come first`);
      if (width === null) throw new Error(`${where}: ${describe(layer, i)} has no batch_input_shape`);
    } else if (cls === 'Dense') {
      const units = config.units;
      if (!Number.isSafeInteger(units) || units < 1) throw new Error(`${where}: ${describe(layer, i)} has units ${JSON.stringify(units)}: it must be an integer >= 1`);
      const activation = config.activation === undefined || config.activation === null ? 'linear' : config.activation;
      if (!Object.hasOwn(KERAS_ACTIVATIONS, activation)) {
        throw new Error(`${where}: ${describe(layer, i)} has activation ${JSON.stringify(activation)}: descent has linear, relu, sigmoid, tanh and softmax (and leaky ReLU as a LeakyReLU layer after a linear Dense)`);
      }
      let l1 = 0;
      let l2 = 0;
      const reg = config.kernel_regularizer;
      if (reg) {
        if (!['L1L2', 'l1_l2', 'L1', 'L2'].includes(reg.class_name)) {
          throw new Error(`${where}: ${describe(layer, i)} has a ${reg.class_name} kernel regularizer: descent has L1L2`);
        }
        l1 = Number((reg.config && reg.config.l1) ?? 0);
        l2 = Number((reg.config && reg.config.l2) ?? 0);
      }
      dense.push({ index: i, name: typeof config.name === 'string' ? config.name : null, units, activation,
        alpha: 0.2, useBias: config.use_bias !== false, l1, l2, followed: false });
    } else if (cls === 'LeakyReLU') {
      const target = afterLinear('a LeakyReLU layer');
      const alpha = config.alpha ?? config.negative_slope ?? 0.3; // TF.js's and Keras's default
      if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new Error(`${where}: ${describe(layer, i)} has alpha ${JSON.stringify(alpha)}: it must be a finite number`);
      target.activation = 'leaky_relu';
      target.alpha = alpha;
    } else if (cls === 'Activation') {
      const activation = config.activation;
      if (!Object.hasOwn(KERAS_ACTIVATIONS, activation)) {
        throw new Error(`${where}: ${describe(layer, i)} has activation ${JSON.stringify(activation)}: descent has linear, relu, sigmoid, tanh and softmax`);
      }
      if (activation !== 'linear') afterLinear('an Activation layer').activation = activation;
    } else {
      throw new Error(`${where}: ${describe(layer, i)}: descent cannot run this layer; it takes Dense layers (with an InputLayer first, and an Activation or LeakyReLU layer after a linear Dense)`);
    }
  });
  if (dense.length === 0) throw new Error(`${where}: the model has no Dense layer`);
  if (inputs === null) throw new Error(`${where}: the first layer has no batch_input_shape, so the number of inputs is unknown`);

  // The weights, by name (layer/kernel, layer/bias), else in order.
  let specs = artifacts.weightSpecs;
  if (!specs && Array.isArray(artifacts.weightsManifest)) specs = artifacts.weightsManifest.flatMap((g) => g.weights || []);
  if (!Array.isArray(specs)) throw new Error(`${where}: artifacts.weightSpecs is missing`);
  const bytes = weightBytes(where, artifacts.weightData);
  let offset = 0;
  const located = specs.map((spec, k) => {
    if (!spec || typeof spec.name !== 'string' || !Array.isArray(spec.shape)) throw new Error(`${where}: weightSpecs[${k}] must be { name, shape, dtype }`);
    if (spec.dtype !== undefined && spec.dtype !== 'float32') throw new Error(`${where}: weight ${spec.name} is ${spec.dtype}: descent reads float32 weights`);
    if (spec.quantization) throw new Error(`${where}: weight ${spec.name} is quantized: descent reads float32 weights`);
    const count = spec.shape.reduce((n, d) => {
      if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${where}: weight ${spec.name} has shape ${JSON.stringify(spec.shape)}`);
      return n * d;
    }, 1);
    const start = offset;
    offset += count * 4;
    if (!Number.isSafeInteger(offset) || offset > bytes.length) {
      throw new Error(`${where}: the weights need more than the ${bytes.length} bytes of weightData (weight ${spec.name})`);
    }
    return { spec, start, count, used: false };
  });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (w) => {
    const out = new Float32Array(w.count);
    for (let k = 0; k < w.count; k++) out[k] = view.getFloat32(w.start + 4 * k, true);
    w.used = true;
    return out;
  };
  let cursor = 0;
  const take = (layer, part, shape) => {
    let w = layer.name ? located.find((x) => !x.used && (x.spec.name === `${layer.name}/${part}` || x.spec.name.endsWith(`/${layer.name}/${part}`))) : undefined;
    if (!w) {
      while (cursor < located.length && located[cursor].used) cursor++;
      w = located[cursor];
    }
    const what = `${describe(list[layer.index], layer.index)}'s ${part}`;
    if (!w) throw new Error(`${where}: ${what} is not in weightSpecs`);
    if (w.spec.shape.length !== shape.length || w.spec.shape.some((d, k) => d !== shape[k])) {
      throw new Error(`${where}: ${what} (${w.spec.name}) has shape ${JSON.stringify(w.spec.shape)}, expected ${JSON.stringify(shape)}`);
    }
    return read(w);
  };
  let fanIn = inputs;
  const layers = dense.map((layer) => {
    const out = { fanIn, units: layer.units, kernel: take(layer, 'kernel', [fanIn, layer.units]) };
    out.bias = layer.useBias ? take(layer, 'bias', [layer.units]) : null;
    fanIn = layer.units;
    return out;
  });

  // descent's recipe, when it wrote the artifacts: undo the folding.
  const meta = artifacts.userDefinedMetadata && artifacts.userDefinedMetadata.descent;
  const recipe = meta && typeof meta === 'object' ? meta : {};
  const { inputScaler, targetScaler } = unfold(layers, recipe, where);
  const last = dense[dense.length - 1].activation;
  const trainingLoss = artifacts.trainingConfig && artifacts.trainingConfig.loss;
  const loss = KERAS_LOSSES[recipe.loss] ?? KERAS_LOSSES[trainingLoss] ??
    (last === 'softmax' ? 'categorical_crossentropy' : last === 'sigmoid' ? 'binary_crossentropy' : 'mse');

  const model = descent.createModel({
    inputs,
    layers: dense.map((d, l) => ({ units: d.units, activation: d.activation, alpha: d.alpha, l1: d.l1, l2: d.l2,
      useBias: layers[l].bias !== null })),
    loss,
  });
  try {
    model.setWeights(layers.map((l) => ({ kernel: l.kernel, bias: l.bias })));
    if (inputScaler) model.setInputScaler(inputScaler);
    if (targetScaler) model.setTargetScaler(targetScaler);
    const names = {};
    for (const key of ['featureNames', 'classNames']) if (Array.isArray(recipe[key])) names[key] = recipe[key];
    if (typeof recipe.targetName === 'string') names.targetName = recipe.targetName;
    if (Object.keys(names).length) model.setNames(names);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
