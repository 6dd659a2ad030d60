// playground-link.mjs - a TensorFlow Playground link's lesson as the page's
// own state. Pure functions (no DOM), tested in Node.
//
// The Playground keeps its state after '#' (`#activation=tanh&dataset=spiral
// &networkShape=8,8...`); the same keys in the query string work too. The
// lesson carries over with the Playground's arithmetic, not descent's
// defaults:
//   - inputs as generated (x in [-6, 6]: input scale 'none'), weights drawn
//     U(-0.5, 0.5) and biases 0.1 (initializer 'playground'; initZero: 'zeros');
//   - a tanh output trained with squared error on labels -1/+1 ('tanh-mse'),
//     linear for regression ('linear-mse');
//   - plain SGD at half the Playground's rate: its loss per point is
//     (y - t)²/2, descent's (Keras') mse is (y - t)², so the gradients differ
//     by 2 and rate r there is r/2 here, step for step;
//   - penalties per batch of B points: the Playground adds rate·ρ·dR/dw / B
//     to each weight's step (R = w²/2 for L2, |w| for L1), Keras adds
//     lr·(2·l2·w) or lr·l1·sign(w) once per step, so l2 = ρ/B and l1 = 2ρ/B;
//   - 500 points (1200 for regression), percTrainData% of them for training,
//     noise% as descent's noise fraction for each set (see NOISE below).
// Whatever cannot be carried exactly is named in a notice.

import { LIMITS as PAGE } from './names.mjs';

// Whether an address is a Playground link is asked of every address at start; the rest of this module loads only for one.
export { PLAYGROUND_KEYS, playgroundParams } from './playground-params.mjs';

/** The Playground's data sets and descent's generator for each. */
const CLASSIFY_SETS = { circle: 'circle', xor: 'xor', gauss: 'gaussian', spiral: 'spiral' };
const REGRESS_SETS = { 'reg-plane': 'plane', 'reg-gauss': 'multigauss' };

/** The Playground's input features and descent's, by id. */
const FEATURE_MAP = { x: 'x1', y: 'x2', xSquared: 'x1sq', ySquared: 'x2sq', xTimesY: 'x1x2', sinX: 'sin1', sinY: 'sin2' };

/** The Playground's defaults (its State's initial values). */
const PG = Object.freeze({
  activation: 'tanh', batchSize: 10, dataset: 'circle', regDataset: 'reg-plane', learningRate: 0.03,
  regularization: 'none', regularizationRate: 0, noise: 0, networkShape: [4, 2], percTrainData: 50,
  problem: 'classification', features: ['x', 'y'],
});

const SAMPLES = { classification: 500, regression: 1200 };

/**
 * Descent's noise fraction for the Playground's noise percentage p (0..50) on
 * each set. Spiral, circle and xor: descent's noise 1 is the Playground's 50 %.
 * Plane and bumps: the Playground draws U(-6, 6)·p/100 as descent draws
 * U(-6, 6)·noise. Gaussian: the Playground's blobs have variance
 * 0.5 + 7p/100 and descent's a standard deviation 0.5 + 3.5·noise, so noise
 * is chosen to give the same spread.
 */
const NOISE = {
  spiral: (p) => p / 50,
  circle: (p) => p / 50,
  xor: (p) => p / 50,
  gaussian: (p) => (Math.sqrt(0.5 + (7 * p) / 100) - 0.5) / 3.5,
  plane: (p) => p / 100,
  multigauss: (p) => p / 100,
};

/** The page's limits for what a lesson sets (urlstate.mjs reads links with the same ones). */
const LIMITS = { units: PAGE.units, layers: PAGE.layers, rate: 10, penalty: 1, batch: PAGE.batch };

/** A value as a notice quotes it: cut, so a hostile link cannot flood the page. */
const quote = (t) => JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);

/** A 32-bit seed from the Playground's seed text: an integer as it is, other text hashed (FNV-1a), the same each time. */
export function seedFromText(text) {
  const t = String(text).trim();
  if (/^\d{1,10}$/.test(t) && Number(t) <= 0xffffffff) return Number(t);
  let h = 0x811c9dc5;
  for (let i = 0; i < t.length; i++) {
    h ^= t.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The page's state for a Playground lesson: {config, view, notices}.
 * config is defaults with the lesson applied (the page's URL-state fields,
 * plus inputScale); view holds showTestData, discretize and hideText;
 * notices name, in words, each thing not carried over exactly.
 * pg: playgroundParams(...) or its params.
 */
export function fromPlayground(pg, defaults) {
  const params = (pg && pg.params) || pg || {};
  const notices = [];
  const note = (key, text) => notices.push(`Playground ${key}: ${text}`);
  const has = (key) => typeof params[key] === 'string' && params[key].trim() !== '';
  const text = (key) => params[key];
  // The Playground reads "false" as false and any other text as true.
  const flag = (key, fallback) => (has(key) ? text(key) !== 'false' : fallback);
  const number = (key, fallback, min, max, { integer = false, why = '' } = {}) => {
    if (!has(key)) return fallback;
    const v = Number(text(key));
    if (Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v))) return v;
    note(key, `${quote(text(key))} is not ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]${why}; using ${fallback}`);
    return fallback;
  };
  const oneOf = (key, allowed, fallback) => {
    if (!has(key)) return fallback;
    if (Object.hasOwn(allowed, text(key))) return text(key);
    note(key, `${quote(text(key))} is not one of ${Object.keys(allowed).join(', ')}; using ${fallback}`);
    return fallback;
  };

  const config = JSON.parse(JSON.stringify(defaults));
  const problem = oneOf('problem', { classification: 1, regression: 1 }, PG.problem);
  const regression = problem === 'regression';
  const pgSet = regression ? oneOf('regDataset', REGRESS_SETS, PG.regDataset) : oneOf('dataset', CLASSIFY_SETS, PG.dataset);
  const dataset = regression ? REGRESS_SETS[pgSet] : CLASSIFY_SETS[pgSet];
  if (has(regression ? 'dataset' : 'regDataset')) {
    note(regression ? 'dataset' : 'regDataset', `ignored: the problem is ${problem}, as in the Playground`);
  }
  config.dataset = dataset;
  config.task = 'auto';
  config.target = null;
  config.samples = SAMPLES[problem];
  config.added = [];
  config.removed = [];

  const noise = number('noise', PG.noise, 0, 50);
  config.noise = Math.min(1, NOISE[dataset](noise));
  if (noise > 0 && (dataset === 'circle' || dataset === 'xor')) {
    note('noise', `the Playground keeps each point where it is and labels it by a shifted copy; descent shifts the points (same amount, noise ${fmt(config.noise)})`);
  }
  if (dataset === 'plane') note('dataset', 'reg-plane\'s target is (x1 + x2)/10 in the Playground, (x1 + x2)/12 here: the same plane, losses about 0.7 times as large');
  if (dataset === 'multigauss') note('dataset', 'reg-gauss is the strongest of six clamped cones in the Playground, a sum of six Gaussian bumps here: the same layout, a smoother surface');

  const perc = number('percTrainData', PG.percTrainData, 10, 100);
  config.testRatio = (100 - perc) / 100;

  const batch = number('batchSize', PG.batchSize, 1, LIMITS.batch, { integer: true });
  config.batchSize = batch;
  const nTrain = config.samples - Math.round(config.samples * config.testRatio);
  if (nTrain % batch !== 0) {
    note('batchSize', `${nTrain} training points are not a whole number of batches of ${batch}: the Playground carries the rest into the next epoch, descent trains a smaller last batch`);
  }

  const rate = number('learningRate', PG.learningRate, Number.MIN_VALUE, LIMITS.rate);
  config.optimizer = { name: 'sgd', learningRate: rate / 2 };

  const activation = oneOf('activation', { relu: 1, tanh: 1, sigmoid: 1, linear: 1 }, PG.activation);
  let shape = PG.networkShape;
  if ('networkShape' in params) {
    const t = String(text('networkShape')).trim();
    const items = t === '' ? [] : t.split(',', LIMITS.layers + 1);
    const units = items.map(Number);
    if (items.length > LIMITS.layers || !units.every((u) => Number.isInteger(u) && u >= 1 && u <= LIMITS.units)) {
      note('networkShape', `${quote(t)} is not up to ${LIMITS.layers} layer sizes in [1, ${LIMITS.units}]; using ${PG.networkShape.join(',')}`);
    } else {
      shape = units;
    }
  }
  config.layers = shape.map((units) => ({ units, activation }));
  config.output = regression ? 'linear-mse' : 'tanh-mse';
  config.init = flag('initZero', false) ? 'zeros' : 'playground';
  config.inputScale = 'none';

  const kind = oneOf('regularization', { none: 1, L1: 1, L2: 1 }, PG.regularization);
  const rho = number('regularizationRate', PG.regularizationRate, 0, Infinity);
  config.l1 = 0;
  config.l2 = 0;
  if (kind !== 'none' && rho > 0) {
    const key = kind === 'L1' ? 'l1' : 'l2';
    const want = kind === 'L1' ? (2 * rho) / batch : rho / batch;
    config[key] = Math.min(want, LIMITS.penalty);
    if (want > LIMITS.penalty) note('regularizationRate', `${fmt(rho)} is ${key} ${fmt(want)} here, above the page's ${LIMITS.penalty}; using ${LIMITS.penalty}`);
  }

  // Each feature as the link sets it, else as the Playground starts (x and y on).
  const chosen = Object.keys(FEATURE_MAP).filter((k) => flag(k, PG.features.includes(k))).map((k) => FEATURE_MAP[k]);
  for (const k of ['cosX', 'cosY']) {
    if (flag(k, false)) note(k, 'descent has no cos feature (the Playground does not show one either); left out');
  }
  if (chosen.length) config.features = chosen;
  else {
    note('x', 'no input feature is selected; using x1 and x2');
    config.features = ['x1', 'x2'];
  }

  if (has('seed')) {
    config.seed = seedFromText(text('seed'));
    config.dataSeed = config.seed;
    note('seed', `${quote(text('seed'))} is seed ${config.seed} here: the same lesson, other points and weights than the Playground draws`);
  } else {
    note('seed', `none given (the Playground picks one at random); using ${config.dataSeed} for the data and ${config.seed} for the weights`);
  }
  config.earlyStopping = false;

  if (has('tutorial')) note('tutorial', `${quote(text('tutorial'))}: the Playground's tutorial text is not carried over`);
  if (has('collectStats')) note('collectStats', 'ignored');
  const hidden = Object.keys(params).filter((k) => k.endsWith('_hide') && params[k] === 'true').map((k) => k.slice(0, -5));
  if (hidden.length) note('hidden controls', `${hidden.slice(0, 8).join(', ')}${hidden.length > 8 ? ', …' : ''} stay visible: descent hides whole panels (hide=)`);
  if (pg && Array.isArray(pg.ignored) && pg.ignored.length) {
    notices.push(`Playground link: ${pg.ignored.map(quote).join(', ')} ${pg.ignored.length > 1 ? 'are not Playground keys' : 'is not a Playground key'}; ignored`);
  }

  const view = { showTestData: flag('showTestData', false), discretize: flag('discretize', false), hideText: flag('hideText', false) };
  config.showTest = view.showTestData;
  return { config, view, notices };
}

function fmt(v) {
  return String(Number(v.toPrecision(4)));
}
