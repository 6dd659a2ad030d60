// lrfinder.mjs - the learning-rate finder beside the learning rate: its
// Find button, and what the test runs with. The test, its plot and the
// button that sets its suggestion (lrfinderpanel.mjs) load the first time
// Find is pressed; until then the finder's state is the untouched one.

import { modelConfig } from './run.mjs';
import { $, config, lazy, on, page } from './state.mjs';

/** What the test runs with: the model's configuration, the training rows, and its options (the core's defaults for the rest). */
export function finderInput() {
  const { data } = page;
  if (!data || !data.nTrain) return null;
  return {
    config: modelConfig(),
    x: data.xTrain,
    y: data.yTrain,
    options: { seed: config.seed, batchSize: Math.max(1, Math.min(config.batchSize, data.nTrain)) },
  };
}

const panel = lazy(() => import('./lrfinderpanel.mjs'), 'the learning-rate finder');

export function wireFinder() {
  on($('lr-find'), 'click', async () => (await panel.load()).find());
}

/** After every action: a shown test of other settings (or data) is put away; else redrawn. */
export function finderSettled() {
  if (panel.module) panel.module.finderSettled();
}

/** The finder's state for tests: its suggestion, the rate "use" sets, the points plotted; untouched until its code has loaded. */
export function finderState() {
  if (panel.module) return panel.module.finderState();
  return { status: 'idle', error: '', suggested: null, use: null, points: 0, stoppedEarly: null };
}
