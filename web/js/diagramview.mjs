// diagramview.mjs - the network diagram of the model in use: its layers,
// names and activations from the configuration, its plane for 2-D data, and
// its weights and each neuron's outputs over the plane (the worker's
// layerOutputs for the plane's grid) fetched from the worker as it trains.

import { DATASETS, FEATURES } from './choices.mjs';
import { pointFeaturizer } from './data.mjs';
import { config, isTable, output, page, showError, views } from './state.mjs';

const WEIGHTS_MS = 150;   // the diagram's weights while training, at most one request per

/** The diagram's columns for the model of the configuration and the data in use. */
export function diagramArchitecture() {
  const { diagram } = views;
  if (!diagram || page.data === null) return;
  const sizes = [page.data.inputs, ...config.layers.map((l) => l.units), page.data.outputs || 1];
  const plane = !isTable() && page.data.dims === 2;
  // A 2-D set's input column: every feature on offer, those in use the model's inputs.
  const inputChoices = plane ? FEATURES.map((f) => ({ name: f.label, used: config.features.includes(f.id) })) : undefined;
  const inputNames = isTable() ? page.raw.featureNames : page.data.dims === 1 ? ['x'] : undefined;
  const outputNames = isTable() && page.raw.classes > 2 ? page.raw.classNames : undefined;
  page.hovered = null;
  diagram.setArchitecture({ sizes, inputNames, inputChoices, outputNames, activations: [...config.layers.map((l) => l.activation), output().activation] });
  if (plane) {
    const { domain } = DATASETS[config.dataset];
    diagram.setPlane({ featurize: pointFeaturizer(), pictures: pointFeaturizer(FEATURES.map((f) => f.id)), domain, cells: 16 });
  } else {
    diagram.setPlane(null);
  }
}

/** The model's weights and neuron outputs for the diagram; one request at a time, at most every WEIGHTS_MS while training. */
export async function refreshWeights(force = false) {
  const { diagram } = views;
  if (!diagram || page.modelId === null || page.weighing) return;
  if (!force && page.status === 'running' && performance.now() - page.weighedAt < WEIGHTS_MS) return;
  page.weighing = true;
  page.weighedAt = performance.now();
  try {
    const modelId = page.modelId;
    const grid = diagram.planeInputs();
    const [weights, outputs] = await Promise.all([
      page.client.getWeights(modelId),
      grid ? page.client.layerOutputs(modelId, grid.slice()) : null,
    ]);
    if (modelId === page.modelId) {
      diagram.setWeights(weights);
      if (outputs) diagram.setLayerOutputs(outputs);
      if (page.hovered) page.viewDirty = true; // the neuron shown large, with its new outputs
    }
  } catch (e) {
    if (!/unknown model id/.test(e.message)) showError(`the diagram: ${e.message}`);
  } finally {
    page.weighing = false;
  }
}
