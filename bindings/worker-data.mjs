// worker-data.mjs - data sets made in the worker (generate, parseCSV):
// the set, and with testFraction its seeded split, the training rows'
// scalers and the rows themselves, so the page has nothing to compute.

import { MessageType } from './protocol.mjs';
import { boolOption, checkKeys, failed, needDescent, pick, renamed, shown } from './worker-common.mjs';

// ------------------------------------------------------------------ data

const SPLIT_KEYS = ['testFraction', 'splitSeed', 'stratify', 'scalers', 'subsets'];

/**
 * With testFraction: the set's seeded train/test split (stratified for
 * classes unless stratify is false) as row indices; with scalers also the
 * training rows' input scaler and, for regression, target scaler; with
 * subsets also the rows themselves, as trainSet and testSet ({n, x, y,
 * labels}), so the caller has no rows to pick (on a page's thread, a large
 * file's would take long).
 */
function withSplit(d, where, set, data, seed) {
  const stratify = boolOption(where, data, 'stratify');
  const scalers = boolOption(where, data, 'scalers');
  const subsets = boolOption(where, data, 'subsets');
  if (data.testFraction === undefined) {
    if (scalers) throw failed(`${where}: scalers needs testFraction (they are fitted on the training rows)`);
    if (subsets) throw failed(`${where}: subsets needs testFraction (they are the training and the test rows)`);
    return set;
  }
  if (data.splitSeed !== undefined && !(Number.isInteger(data.splitSeed) && data.splitSeed >= 0 && data.splitSeed <= d.vocabulary.limits.seed)) {
    throw failed(`${where}: splitSeed must be an integer in 0..${d.vocabulary.limits.seed}, got ${shown(data.splitSeed)}`);
  }
  const labels = stratify === false ? null : set.labels;
  let split;
  try {
    split = d.trainTestSplit(set.n, { testFraction: data.testFraction, labels,
      seed: data.splitSeed === undefined ? seed : data.splitSeed });
  } catch (e) {
    throw renamed(where, e, 'trainTestSplit');
  }
  const out = { ...set, train: split.train, test: split.test };
  const train = scalers || subsets ? d.subset(set, split.train) : null;
  if (scalers) {
    out.inputScaler = d.fitScaler(train.x, set.features);
    if (!set.classes && set.y) out.targetScaler = d.fitScaler(train.y, set.outputs);
  }
  if (subsets) {
    const rows = ({ n, x, y, labels: l }) => ({ n, x, y, labels: l });
    out.trainSet = rows(train);
    out.testSet = rows(d.subset(set, split.test));
  }
  return out;
}

/** A CSV's text: a string, its UTF-8 bytes, or a Blob (a File) read here, off the page's thread. */
async function csvText(text) {
  return typeof Blob === 'function' && text instanceof Blob ? new Uint8Array(await text.arrayBuffer()) : text;
}

export const dataHandlers = {
  [MessageType.GENERATE](data) {
    const d = needDescent();
    checkKeys('generate', data, ['name', 'n', 'noise', 'seed', ...SPLIT_KEYS]);
    const { name, n, noise, seed } = data;
    const set = d.generate(name, pick({ n, noise, seed }, ['n', 'noise', 'seed']));
    return withSplit(d, 'generate', set, data, seed);
  },

  async [MessageType.PARSE_CSV](data) {
    const d = needDescent();
    checkKeys('parseCSV', data, ['text', 'target', 'task', 'delimiter', 'noTarget', ...SPLIT_KEYS]);
    const set = d.parseCSV(await csvText(data.text), pick(data, ['target', 'task', 'delimiter', 'noTarget']));
    return withSplit(d, 'parseCSV', set, data, 1);
  },
};
