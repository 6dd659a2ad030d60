// sharefiles.mjs - the Share panel's files (sharepanel.mjs wires their
// buttons and loads this on the first use): the downloads (the model, its
// ONNX and TensorFlow.js exports, the loss history, the view and the chart
// as PNG) and a saved model opened in place of the current one.

import { ACTIVATIONS, HYPER } from './choices.mjs';
import { freshRun, stopRun } from './run.mjs';
import { $, InputError, config, page, renderAll, views } from './state.mjs';

function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

const fileStem = () => `descent-${config.dataset === 'csv' ? page.csvName.replace(/\.[^.]*$/, '') : config.dataset}`;

function canvasBlob(canvas) {
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the canvas could not be encoded'))), 'image/png'));
}

/** A saved model in place of the current one, if it fits the data: then train on or predict. */
export async function openModel(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let id;
  try {
    id = await page.client.load(bytes);
  } catch (e) {
    throw new InputError(`${file.name}: ${e.message.replace(/^load: /, '')}`);
  }
  const info = await page.client.describe(id);
  const wanted = page.data.outputs || 1;
  if (info.inputs !== page.data.inputs || info.outputs !== wanted) {
    await page.client.dispose(id);
    throw new InputError(`${file.name}: the model reads ${info.inputs} inputs and gives ${info.outputs} outputs; ` +
      `this data has ${page.data.inputs} inputs and ${wanted} outputs. Choose the data it was trained on first; nothing was changed.`);
  }
  await stopRun();
  if (page.modelId !== null) await page.client.dispose(page.modelId).catch(() => {});
  page.modelId = id;
  page.modelData = page.data;
  const hidden = info.layers.slice(0, -1);
  config.layers = hidden.map((l) => ({ units: l.units, activation: ACTIVATIONS.some(([a]) => a === l.activation) ? l.activation : 'relu' }));
  const { name, learningRate } = info.optimizer;
  config.optimizer = { name, learningRate };
  for (const h of HYPER[name]) config.optimizer[h.key] = info.optimizer[h.key];
  config.seed = info.seed;
  renderAll();
  await freshRun(`opened ${file.name}`);
}

/** The downloads, by the name sharepanel.mjs wires each button with. */
export const DOWNLOADS = {
  async model() {
    const bytes = await page.client.save(page.modelId, { withOptimizer: true });
    download(new Blob([bytes], { type: 'application/octet-stream' }), `${fileStem()}.bin`);
  },
  // The way out to other runtimes: the worker writes the formats (bindings/interop-*.mjs).
  async onnx() {
    const { bytes } = await page.client.exportModel(page.modelId, 'onnx', { protobufUrl: new URL('vendor/protobuf.min.js', document.baseURI).href });
    download(new Blob([bytes], { type: 'application/octet-stream' }), `${fileStem()}.onnx`);
  },
  async tfjs() {
    const { modelJson, weights } = await page.client.exportModel(page.modelId, 'tfjs');
    download(new Blob([modelJson], { type: 'application/json' }), 'model.json');
    download(new Blob([weights], { type: 'application/octet-stream' }), 'weights.bin');
  },
  history() {
    const [e, l, v] = views.chart.rows();
    const lines = ['epoch,loss,val_loss'];
    for (let i = 0; i < e.length; i++) lines.push(`${e[i]},${l[i] ?? ''},${v[i] ?? ''}`);
    download(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }), `${fileStem()}-loss.csv`);
  },
  view: async () => download(await canvasBlob($('heatmap')), `${fileStem()}-view.png`),
  chart: async () => download(await canvasBlob(document.querySelector('#loss-chart canvas')), `${fileStem()}-loss.png`),
};
