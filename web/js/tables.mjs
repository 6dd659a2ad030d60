// tables.mjs - tables in the playground (data.mjs loads this the first time
// a shipped data set or the user's CSV file is chosen): the shipped set's
// text fetched, the table parsed in the worker, its rows as the model takes
// them, the user's file opened, the Data panel's account of the table, and
// a table link's target and task read (tablelink.mjs).

import { MAX_CSV_BYTES } from './choices.mjs';
import { prepare } from './data.mjs';
import { reset } from './run.mjs';
export { readTableFromLink } from './tablelink.mjs';
import { $, InputError, clone, config, output, page, renderAll, task } from './state.mjs';

/** The CSV text of a shipped data set; if it cannot be fetched, an InputError naming the file and why. */
export async function fetchTable(name) {
  const failed = (why) => new InputError(`data/${name}.csv could not load: ${why}`);
  let response;
  try {
    response = await fetch(new URL(`../data/${name}.csv`, import.meta.url));
  } catch (e) {
    throw failed(e && e.message ? e.message : String(e)); // offline, or the server is gone
  }
  if (!response.ok) throw failed(`${response.status} ${response.statusText}`.trim());
  return response.text();
}

/**
 * Parses a table (a shipped set's text, or the user's File, which the worker
 * reads) in the worker, with its split into training and test rows and the
 * training rows' scalers, so this thread does nothing in proportion to the
 * file. Nothing of the page changes unless it parses: a bad file leaves the
 * previous data and model as they were.
 */
export async function parseTable(text, source) {
  const options = { text, testFraction: config.testRatio, splitSeed: config.dataSeed, scalers: true, subsets: true };
  if (config.target !== null && config.target !== undefined) options.target = config.target;
  if (config.task && config.task !== 'auto') options.task = config.task;
  let set;
  try {
    set = await page.client.parseCSV(options);
  } catch (e) {
    throw new InputError(`${source}: ${e.message.replace(/^parseCSV: /, '')}`);
  }
  if (set.train.length === 0) throw new InputError(`${source}: no training rows (the test share is ${config.testRatio})`);
  const { x, y, labels, ...rest } = set; // each row is in trainSet or testSet
  return { ...rest, dims: 0, source };
}

/** Rows of a table: raw features (the model standardizes them with the training rows' scaler). */
export function prepareTable() {
  const { raw } = page;
  const f = raw.features;
  const k = raw.outputs;
  const signed = task() === 'classification' && k === 1 && output().signed;
  // The worker's rows as they are (nothing changes them); the targets as ±1 for a signed output.
  const pick = (rows) => ({ x: rows.x, y: signed ? rows.y.map((v) => 2 * v - 1) : rows.y, labels: rows.labels });
  const train = pick(raw.trainSet);
  const test = pick(raw.testSet);
  page.data = {
    dims: 0, table: true,
    xTrain: train.x, yTrain: train.y, labelsTrain: train.labels,
    xTest: test.x, yTest: test.y, labelsTest: test.labels,
    trainRows: raw.train, testRows: raw.test,
    xGrid: new Float32Array(0),
    inputs: f, outputs: k,
    nTrain: raw.train.length, nTest: raw.test.length,
    points: [],
  };
  page.predictions = null;
  page.metrics = null;
  page.scores = null;
}

/** A user's CSV file: parsed first; only then does it replace the data (and the model). */
export async function openCsv(file) {
  if (file.size > MAX_CSV_BYTES) throw new InputError(`${file.name}: ${file.size} bytes; files up to ${MAX_CSV_BYTES} bytes are read`);
  const before = clone(config);
  config.target = null;
  config.task = 'auto';
  let raw;
  try {
    raw = await parseTable(file, file.name);
  } catch (e) {
    Object.assign(config, before);
    throw e;
  }
  page.csvFile = file;
  page.csvName = file.name;
  const option = [...$('dataset').options].find((o) => o.value === 'csv');
  if (option) option.textContent = `your file: ${file.name}`;
  config.dataset = 'csv';
  config.output = 'auto';
  config.added = [];
  config.removed = [];
  page.raw = raw;
  prepare();
  renderAll();
  await reset();
}

/** The table's target column, its task and what was read, in the Data panel. */
export function renderTable() {
  const { raw } = page;
  const sel = $('target');
  const columns = raw.columns || [...raw.featureNames, raw.targetName];
  raw.columns = columns;
  sel.replaceChildren(...columns.map((c) => new Option(c, c)));
  sel.value = raw.targetName;
  $('task').value = config.task || 'auto';
  const what = raw.classes ? `${raw.classes} classes (${raw.classNames.slice(0, 6).join(', ')}${raw.classes > 6 ? ', …' : ''})` : 'a number (regression)';
  $('table-info').textContent = `${raw.source}: ${raw.n} rows, ${raw.features} features; the target is ${what}. ` +
    `Features standardized with the ${raw.train.length} training rows' mean and deviation.`;
}

