// tune.mjs - what the Tune panel (tunepanel.mjs, loaded the first time it is
// opened) takes from the playground and gives back: the settings a search
// starts from, the training rows it searches over, and a searched
// configuration put into the playground.

import { reset } from './run.mjs';
import { OPTIMIZER_DEFAULTS } from './urlstate.mjs';
import { $, InputError, act, config, isTable, lazy, output, page, renderAll, showError, task, views } from './state.mjs';

/** The playground's settings a search starts from, and how many training rows it has. */
function tuneCurrent() {
  const n = page.data ? page.data.nTrain : 0;
  return {
    task: task(),
    rows: n,
    base: {
      learningRate: config.optimizer.learningRate,
      batchSize: Math.max(1, n ? Math.min(config.batchSize, n) : config.batchSize),
      optimizer: config.optimizer.name,
      layers: config.layers.map((l) => l.units),
      activation: config.layers.length ? config.layers[0].activation : 'relu',
      l2: config.l2,
      epochs: config.epochs,
    },
  };
}

/**
 * The training rows a search runs on (never the test rows), as the model
 * sees them, with class targets as 0/1 and labels; tables standardized per
 * fold as the playground standardizes them, the generated sets as they are.
 */
function tuneRows() {
  const { data } = page;
  const cls = task() === 'classification';
  const k = data.outputs || 1;
  const y = cls && k === 1 && output().signed ? data.yTrain.map((v) => (v + 1) / 2) : data.yTrain.slice();
  const labels = !cls ? null : data.labelsTrain ? data.labelsTrain.slice() : Int32Array.from(y, (v) => (v >= 0.5 ? 1 : 0));
  return {
    x: data.xTrain.slice(), y, features: data.inputs, outputs: k, task: task(), labels,
    classes: cls ? Math.max(2, page.raw.classes || 2) : 0, standardize: isTable(), scaleTarget: isTable(),
  };
}

/** A searched configuration into the playground's controls, and a fresh run with it. */
async function applyTuned(c) {
  // Nine digits, as the link keeps them, so the link gives this run.
  const round = (v) => Number(v.toPrecision(9));
  config.optimizer = { name: c.optimizer, ...OPTIMIZER_DEFAULTS[c.optimizer], learningRate: round(c.learningRate) };
  config.batchSize = c.batchSize === 'full' ? page.data.nTrain : Math.min(c.batchSize, page.data.nTrain);
  config.layers = c.layers.map((units) => ({ units, activation: c.activation }));
  config.l2 = round(c.l2);
  config.epochs = c.epochs;
  renderAll();
  await reset();
}

const panel = lazy(() => import('./tunepanel.mjs'), 'the Tune panel');

/** The Tune panel's code loads the first time it is opened: most visits never tune. */
export function wireTune() {
  const details = $('tune-details');
  const load = () => {
    panel.load().then(({ TunePanel }) => {
      views.tune ??= new TunePanel($('tune'), { act, InputError, showError, current: tuneCurrent, rows: tuneRows, apply: applyTuned });
    }).catch(() => {}); // lazy() has said why on the page
  };
  details.addEventListener('toggle', () => { if (details.open) load(); });
  if (details.open) load();
}
