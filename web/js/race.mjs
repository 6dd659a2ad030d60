// race.mjs - the Optimizers view's place in the page: the playground's
// network trained on its training points by each of the six optimizers
// (racepanel.mjs runs the race in a worker of its own, racedraw.mjs draws
// it). The view's code loads the first time the view opens (from its summary
// or with view=race in the link); until then its state is the unopened one.
// It races again when opened on a changed configuration or with its button.

import { OPTIMIZER_NAMES } from './names.mjs';
import { modelConfig } from './run.mjs';
import { $, config, hooks, lazy, page } from './state.mjs';

/** The race's epochs: the playground's epoch limit, capped so the race stays watchable. */
export const RACE_EPOCHS = 200;

/** What the race runs with: the model's configuration, the training rows as training sees them, and the options. */
export function raceInput() {
  const { data } = page;
  if (!data || !data.nTrain) return null;
  const { optimizer, ...rest } = modelConfig();
  return {
    config: rest,
    x: data.xTrain,
    y: data.yTrain,
    options: {
      optimizers: [...OPTIMIZER_NAMES],
      epochs: Math.max(1, Math.min(config.epochs, RACE_EPOCHS)),
      batchSize: Math.max(1, Math.min(config.batchSize, data.nTrain)),
      seed: config.seed,
    },
  };
}

const panel = lazy(() => import('./racepanel.mjs'), 'the Optimizers view');

/** Races when the view is open and the settings differ from the shown race's (or when asked again); its code loads first. */
function refresh(force = false) {
  if (!$('race-details').open) return;
  panel.load().then((m) => m.refresh(force)).catch(() => {}); // lazy() has said why on the page
}

/** The view is a view: opening it and racing again change nothing of the exercise, so they work under lock (racepanel.mjs wires its button). */
export function wireRace({ open }) {
  const details = $('race-details');
  details.addEventListener('toggle', () => {
    refresh();
    hooks.settled(); // the link says whether the view is open
  });
  if (open) details.open = true;
}

/** After every action: race again if the view is open on changed settings. */
export function raceSettled() {
  refresh();
}

export const raceOpen = () => $('race-details').open;

/** The view's state for tests: each lane's name and final loss, the surface's size; as unopened until its code has loaded. */
export function raceState() {
  if (panel.module) return panel.module.raceState();
  return { status: 'idle', error: '', initialLoss: null, lanes: [], curvePoints: [], surface: null };
}
