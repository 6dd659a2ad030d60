// run-model.mjs - one small deterministic training run, shared by the Node
// side and the browser side of module.test.mjs so both do exactly the same.
export async function runModel(loadDescent) {
  const d = await loadDescent();
  const data = d.generate('spiral', { n: 200, noise: 0.1, seed: 3 });
  const m = d.createModel({
    inputs: 2,
    layers: [{ units: 16, activation: 'tanh' }, { units: 16, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
    loss: 'binary_crossentropy',
    optimizer: 'adam',
    seed: 5,
  });
  const h = m.fit(data.x, data.y, { epochs: 5, batchSize: 10, seed: 2 });
  const p = m.predict(data.x.subarray(0, 8));
  m.dispose();
  return { simd: d.simd, loss: h.history.loss, predictions: Array.from(p) };
}
