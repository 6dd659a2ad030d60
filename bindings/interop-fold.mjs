// interop-fold.mjs - a descent model as plain dense layers for other runtimes
// (TF.js, ONNX), with its scalers folded into the weights, and back.
//
// descent predicts y = head(f((x - m) / s)) * ts + tm: the input scaler (m, s)
// standardizes raw inputs, and a regression model's target scaler (tm, ts)
// maps its outputs back to target units. Another runtime has neither, so
// both go into the weights, computed in float64 and rounded once to float32:
//   first layer  W'[i][j] = W[i][j] / s[i]         b'[j] = b[j] - sum_i (m[i] / s[i]) W[i][j]
//   last layer   W'[i][j] = W[i][j] * ts[j]        b'[j] = b[j] * ts[j] + tm[j]   (linear output only)
// The recipe (the scalers, names, task, and addedBias: the layers that had no
// bias and got one only to hold a folded scaler) travels beside the weights,
// so that unfold() can undo the folding, drop those biases again, and give
// descent its scalers back: the same layers, parameters and weights.


/**
 * A float32 value as the shortest decimal number that rounds back to it
 * (0.1, not 0.10000000149011612), so a JSON file shows the value that was set.
 */
export function shortFloat(v) {
  const f = Math.fround(v);
  for (let digits = 1; digits < 9; digits++) {
    const s = Number(f.toPrecision(digits));
    if (Math.fround(s) === f) return s;
  }
  return f;
}

/** 'classification' or 'regression', as the model's names, scalers and loss say. */
export function modelTask(model) {
  if (model.getNames().classNames) return 'classification';
  if (model.getTargetScaler()) return 'regression';
  return model.loss === 'mse' ? 'regression' : 'classification';
}

/**
 * The model's layers with the scalers folded in: { layers: [{ units, fanIn,
 * activation, alpha, l1, l2, kernel (Float32Array, [fanIn][units] row-major),
 * bias (Float32Array or null) }], recipe }. A folded layer that had no bias
 * gets one (recipe.addedBias lists them). where names the caller in errors.
 */
export function foldModel(model, where) {
  const config = model.layers;
  const weights = model.getWeights();
  const inputScaler = model.getInputScaler();
  const targetScaler = model.getTargetScaler();
  const names = model.getNames();
  let fanIn = model.inputs;
  const layers = config.map((layer, l) => {
    const out = {
      units: layer.units, fanIn, activation: layer.activation,
      alpha: shortFloat(layer.alpha), l1: shortFloat(layer.l1), l2: shortFloat(layer.l2),
      kernel: Float64Array.from(weights[l].kernel), bias: weights[l].bias ? Float64Array.from(weights[l].bias) : null,
    };
    fanIn = layer.units;
    return out;
  });
  const addedBias = [];
  const needBias = (l) => {
    if (!layers[l].bias) {
      layers[l].bias = new Float64Array(layers[l].units);
      addedBias.push(l);
    }
    return layers[l].bias;
  };
  if (inputScaler) {
    const first = layers[0];
    const bias = needBias(0);
    for (let i = 0; i < first.fanIn; i++) {
      const s = inputScaler.std[i];
      const ms = inputScaler.mean[i] / s;
      for (let j = 0; j < first.units; j++) {
        const w = first.kernel[i * first.units + j];
        bias[j] -= ms * w;
        first.kernel[i * first.units + j] = w / s;
      }
    }
  }
  if (targetScaler) {
    const lastIndex = layers.length - 1;
    const last = layers[lastIndex];
    if (last.activation !== 'linear') {
      throw new Error(`${where}: the model has a target scaler but its output layer is ${last.activation}: only a linear output can take the scaler into its weights`);
    }
    const bias = needBias(lastIndex);
    for (let j = 0; j < last.units; j++) {
      const ts = targetScaler.std[j];
      for (let i = 0; i < last.fanIn; i++) last.kernel[i * last.units + j] *= ts;
      bias[j] = bias[j] * ts + targetScaler.mean[j];
    }
  }
  for (const layer of layers) {
    layer.kernel = Float32Array.from(layer.kernel);
    if (layer.bias) layer.bias = Float32Array.from(layer.bias);
  }
  const recipe = {
    task: modelTask(model),
    loss: model.loss,
    inputScaler: inputScaler ? { mean: Array.from(inputScaler.mean, shortFloat), std: Array.from(inputScaler.std, shortFloat) } : null,
    targetScaler: targetScaler ? { mean: Array.from(targetScaler.mean, shortFloat), std: Array.from(targetScaler.std, shortFloat) } : null,
    classNames: names.classNames,
    featureNames: names.featureNames,
    targetName: names.targetName,
    addedBias,
  };
  return { inputs: model.inputs, layers, recipe };
}

// How far from zero an added bias may be after the unfolding and still count
// as the zero it held before the folding, per unit of the magnitude that went
// through it (|b'| and the terms added back, see unfold): the fold's and the
// unfold's float32 roundings (of W/s, of b', and of the recipe's scalers
// written as their shortest decimals) are each at most 2^-24 of that.
const ADDED_BIAS_ROUNDING = 2 ** -20; // the CLI's import: INTEROP_ADDED_BIAS_ROUNDING (core/cli/interop.h)

/**
 * Undoes foldModel on layers read back ({ fanIn, units, kernel, bias }, as
 * foldModel gives them), in place, given the recipe: the weights descent
 * holds beside its scalers. A layer in recipe.addedBias whose bias unfolds to
 * zero within the rounding of the folding gets bias null again; one whose
 * bias is more than that (trained since, in the other runtime) keeps it.
 * Throws (naming where) on a recipe that does not fit the layers.
 */
export function unfold(layers, recipe, where) {
  const scaler = (what, sc, n) => {
    if (sc === undefined || sc === null) return null;
    const ok = sc && Array.isArray(sc.mean) && Array.isArray(sc.std) && sc.mean.length === n && sc.std.length === n &&
      sc.mean.every(Number.isFinite) && sc.std.every((v) => Number.isFinite(v) && v > 0);
    if (!ok) throw new Error(`${where}: userDefinedMetadata.descent.${what} must be { mean, std } of ${n} finite numbers each (std > 0)`);
    return sc;
  };
  const inputScaler = scaler('inputScaler', recipe.inputScaler, layers[0].fanIn);
  const last = layers[layers.length - 1];
  const targetScaler = scaler('targetScaler', recipe.targetScaler, last.units);
  const added = recipe.addedBias ?? [];
  if (!Array.isArray(added) || !added.every((l) => Number.isSafeInteger(l) && l >= 0 && l < layers.length && layers[l].bias)) {
    throw new Error(`${where}: userDefinedMetadata.descent.addedBias must be an array of indices of layers with a bias (0..${layers.length - 1})`);
  }
  const k64 = layers.map((l) => Float64Array.from(l.kernel));
  const b64 = layers.map((l) => (l.bias ? Float64Array.from(l.bias) : null));
  // Per bias value, the magnitude of what the folding and unfolding put through it.
  const size = layers.map((l) => new Float64Array(l.units));
  if (targetScaler) {
    const l = layers.length - 1;
    if (!b64[l]) throw new Error(`${where}: the recipe has a target scaler but the output layer has no bias`);
    for (let j = 0; j < last.units; j++) {
      const ts = targetScaler.std[j];
      for (let i = 0; i < last.fanIn; i++) k64[l][i * last.units + j] /= ts;
      size[l][j] = (Math.abs(b64[l][j]) + Math.abs(targetScaler.mean[j])) / ts;
      b64[l][j] = (b64[l][j] - targetScaler.mean[j]) / ts;
    }
  }
  if (inputScaler) {
    const first = layers[0];
    if (!b64[0]) throw new Error(`${where}: the recipe has an input scaler but the first layer has no bias`);
    for (let j = 0; j < first.units; j++) size[0][j] += Math.abs(b64[0][j]);
    for (let i = 0; i < first.fanIn; i++) {
      const s = inputScaler.std[i];
      const m = inputScaler.mean[i];
      for (let j = 0; j < first.units; j++) {
        const w = k64[0][i * first.units + j] * s; // the standardized-space weight
        k64[0][i * first.units + j] = w;
        b64[0][j] += (m / s) * w;
        size[0][j] += Math.abs((m / s) * w);
      }
    }
  }
  // A bias the folding added goes again when it is still the zero it held
  // (bar rounding); trained since, it stays, or the predictions would change.
  for (const l of new Set(added)) {
    if (b64[l].every((b, j) => Math.abs(b) <= ADDED_BIAS_ROUNDING * size[l][j])) b64[l] = null;
  }
  layers.forEach((layer, l) => {
    layer.kernel = Float32Array.from(k64[l]);
    layer.bias = b64[l] ? Float32Array.from(b64[l]) : null;
  });
  return { inputScaler, targetScaler };
}
