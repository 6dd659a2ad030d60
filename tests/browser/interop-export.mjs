// interop-export.mjs - a small trained model with both scalers, exported to
// ONNX and TF.js (bytes as plain arrays), for interop.test.mjs to run in Node
// and in a page alike.
export async function exportBoth(loadDescent) {
  const d = await loadDescent();
  const m = d.createModel({
    inputs: 2, layers: [{ units: 4, activation: 'leaky_relu', alpha: 0.1 }, { units: 1 }], loss: 'mse', seed: 5,
  });
  m.setInputScaler({ mean: [1, -2], std: [0.5, 3] });
  m.setTargetScaler({ mean: [10], std: [4] });
  m.fit([[0, 1], [1, 0], [2, 2], [-1, 3]], [[9], [12], [15], [8]], { epochs: 3, batchSize: 2, seed: 1 });
  const onnx = Array.from(await m.toOnnx());
  const tfjs = await m.toTfjs();
  const out = { onnx, weights: Array.from(new Uint8Array(tfjs.weightData)), topology: tfjs.modelTopology };
  m.dispose();
  return out;
}
