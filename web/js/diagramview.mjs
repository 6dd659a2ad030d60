// diagramview.mjs - the network diagram of the model in use: its layers,
// names and activations from the configuration, its plane for 2-D data, and
// its weights fetched from the worker as it trains.

import { DATASETS, FEATURES } from './choices.mjs';
import { pointFeaturizer } from './data.mjs';
import { config, isTable, output, page, showError, views } from './state.mjs';

const WEIGHTS_MS = 150;   // the diagram's weights while training, at most one request per

/** The diagram's columns for the model of the configuration and the data in use. */
export function diagramArchitecture() {
  const { diagram } = views;
  if (!diagram || page.data === null) return;
  const sizes = [page.data.inputs, ...config.layers.map((l) => l.units), page.data.outputs || 1];
  const chosen = FEATURES.filter((f) => config.features.includes(f.id));
  const inputNames = isTable() ? page.raw.featureNames : page.data.dims === 1 ? ['x'] : chosen.map((f) => f.label);
  const outputNames = isTable() && page.raw.classes > 2 ? page.raw.classNames : undefined;
  diagram.setArchitecture({ sizes, inputNames, outputNames, activations: [...config.layers.map((l) => l.activation), output().activation] });
  if (!isTable() && page.data.dims === 2) {
    const { domain } = DATASETS[config.dataset];
    diagram.setPlane({ featurize: pointFeaturizer(), domain, cells: 16 });
  } else {
    diagram.setPlane(null);
  }
}

/** The model's weights for the diagram; one request at a time, at most every WEIGHTS_MS while training. */
export async function refreshWeights(force = false) {
  const { diagram } = views;
  if (!diagram || page.modelId === null || page.weighing) return;
  if (!force && page.status === 'running' && performance.now() - page.weighedAt < WEIGHTS_MS) return;
  page.weighing = true;
  page.weighedAt = performance.now();
  try {
    const modelId = page.modelId;
    const weights = await page.client.getWeights(modelId);
    if (modelId === page.modelId) diagram.setWeights(weights);
  } catch (e) {
    if (!/unknown model id/.test(e.message)) showError(`getWeights: ${e.message}`);
  } finally {
    page.weighing = false;
  }
}
