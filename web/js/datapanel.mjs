// datapanel.mjs - the Data panel and the worked examples: the data set (a
// built-in one, a shipped table or the user's CSV file, opened or dropped),
// a table's target column and task, noise, samples, test share and seed,
// and the 2-D input features. A change loads the data first; only if it
// loads does it replace the data and the model.

import { DEFAULTS, FEATURES, PAGE_INPUT_SCALES, PRESETS } from './choices.mjs';
import { labelled } from './labels.mjs';
import { LIMITS } from './names.mjs';
import { generate, prepare, tables } from './data.mjs';
import { renderBatch } from './optimizerpanel.mjs';
import { reset } from './run.mjs';
import {
  $, InputError, act, clone, config, dataset, isTable, lockControls, locked, on, page, readNumber, renderAll,
} from './state.mjs';

async function newData() {
  await generate();
  prepare();
  await reset();
}

/**
 * After the configuration changed from before (a clone of it): load the data
 * and start a new model; if the data cannot be loaded, the configuration goes
 * back to before, and the data and model stay as they were. The Data panel's
 * changes and a course page's set command come this way.
 */
export async function reload(before) {
  try {
    await generate();
  } catch (e) {
    Object.assign(config, before);
    renderAll();
    throw e;
  }
  prepare();
  renderAll();
  await reset();
}

/** A data change: mutate the configuration, then reload (the output head goes back to auto). */
async function changeData(mutate) {
  const before = clone(config);
  mutate();
  if (config.output !== 'auto') config.output = 'auto';
  await reload(before);
}

/**
 * The 2-D input features chosen (ids), from the panel's boxes or the
 * diagram's input column: at least one, else refused and the boxes written
 * back; then the rows and the model made anew. Run as an action (on, act).
 */
export async function setFeatures(chosen) {
  if (chosen.length === 0) {
    renderFeatures();
    throw new InputError('Input features: keep at least one.');
  }
  config.features = FEATURES.map((f) => f.id).filter((id) => chosen.includes(id));
  renderFeatures();
  prepare();
  await reset();
}

function renderFeatures() {
  const list = $('feature-list');
  list.replaceChildren();
  const two = dataset().dims === 2 && !isTable();
  $('features').hidden = !two;
  if (!two) return;
  for (const f of FEATURES) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = f.id;
    box.id = `feature-${f.id}`;
    box.checked = config.features.includes(f.id);
    label.append(box, ` ${f.label}`);
    list.append(label);
  }  lockControls($('features'));
}

/** A table's target column, task and what was read; the generated sets' controls hidden. */
function renderTable() {
  const table = isTable();
  $('table-options').hidden = !table;
  $('synthetic-options').hidden = table;
  if (table && page.raw && page.raw.dims === 0) tables.module.renderTable(); // (loaded: the table was parsed by it)
}

/** Writes the data configuration into the panel's controls. */
export function renderData() {
  if (config.dataset === 'csv' && ![...$('dataset').options].some((o) => o.value === 'csv')) {
    $('real-data').append(new Option(`your file: ${page.csvName}`, 'csv'));
  }
  $('dataset').value = config.dataset;
  renderTable();
  $('noise').value = String(config.noise);
  $('noise-out').textContent = config.noise.toFixed(2);
  $('samples').value = String(config.samples);
  $('samples-out').textContent = String(config.samples);
  $('test-ratio').value = String(config.testRatio);
  $('test-ratio-out').textContent = `${Math.round(config.testRatio * 100)}%`;
  $('data-seed').value = String(config.dataSeed);
  const scale = $('input-scale');
  if (!scale.options.length) scale.append(...labelled('inputScale', PAGE_INPUT_SCALES).map(([v, t]) => new Option(t, v)));
  scale.value = config.inputScale;
  renderFeatures();
  lockControls($('data-panel'));
  lockControls($('presets'));
}

export function wireData() {
  on($('dataset'), 'change', () => changeData(() => {
    config.dataset = $('dataset').value;
    config.target = null;
    config.task = 'auto';
    config.added = [];
    config.removed = [];
  }));
  on($('target'), 'change', () => changeData(() => { config.target = $('target').value; config.task = 'auto'; }));
  on($('task'), 'change', () => changeData(() => { config.task = $('task').value; }));
  on($('csv-file'), 'change', async () => {
    const file = $('csv-file').files[0];
    $('csv-file').value = '';
    if (file) await (await tables.load()).openCsv(file);
  });
  document.addEventListener('dragover', (e) => {
    if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) {
      e.preventDefault();
      if (!locked()) document.body.classList.add('dragging'); // under lock a file dropped is not opened
    }
  });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dragging'); });
  document.addEventListener('drop', (e) => {
    document.body.classList.remove('dragging');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    if (!locked()) act(async () => (await tables.load()).openCsv(file));
  });
  $('noise').addEventListener('input', () => { $('noise-out').textContent = Number($('noise').value).toFixed(2); });
  on($('noise'), 'change', async () => { config.noise = Number($('noise').value); await newData(); });
  $('samples').addEventListener('input', () => { $('samples-out').textContent = $('samples').value; });
  on($('samples'), 'change', async () => { config.samples = Number($('samples').value); await newData(); renderBatch(); });
  $('test-ratio').addEventListener('input', () => { $('test-ratio-out').textContent = `${Math.round(Number($('test-ratio').value) * 100)}%`; });
  on($('test-ratio'), 'change', async () => { config.testRatio = Number($('test-ratio').value); await newData(); renderBatch(); });
  on($('data-seed'), 'change', async () => {
    config.dataSeed = readNumber($('data-seed'), 'Data seed', { min: 0, max: LIMITS.seed, integer: true });
    await newData();
  });
  on($('regenerate'), 'click', async () => {
    config.dataSeed = (config.dataSeed + 1) >>> 0;
    $('data-seed').value = String(config.dataSeed);
    await newData();
  });
  on($('input-scale'), 'change', async () => {
    config.inputScale = $('input-scale').value;
    prepare();
    await reset();
  });
  on($('feature-list'), 'change', async () => {
    await setFeatures([...$('feature-list').querySelectorAll('input:checked')].map((b) => b.value));
  });
  for (const button of document.querySelectorAll('[data-preset]')) {
    on(button, 'click', () => changeData(() => {
      const preset = PRESETS[button.dataset.preset];
      Object.assign(config, clone(DEFAULTS), clone(preset));
    }));
  }
}
