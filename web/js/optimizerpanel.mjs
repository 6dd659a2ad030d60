// optimizerpanel.mjs - the Optimizer panel: the optimizer and its own
// settings, the learning rate (log slider or typed), the batch size, the
// epoch limit and early stopping. The rate and the settings apply at the
// next batch; a new batch size, limit or early stopping starts a new run
// from the current weights.

import { HYPER } from './choices.mjs';
import { applyOptimizer, restartRun } from './run.mjs';
import { labelled } from './labels.mjs';
import { LIMITS, OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES } from './names.mjs';
import { $, config, lockControls, on, page, readNumber } from './state.mjs';

const lrToSlider = (lr) => Math.log10(lr);
const batchMax = () => (page.data ? page.data.nTrain : config.samples);
const batchToSlider = (b) => Math.log(b) / Math.log(Math.max(2, batchMax()));
const sliderToBatch = (s) => Math.max(1, Math.min(batchMax(), Math.round(Math.exp(s * Math.log(Math.max(2, batchMax()))))));

function renderHyper() {
  const box = $('hyper');
  box.replaceChildren();
  for (const h of HYPER[config.optimizer.name]) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.id = `hp-${h.key}`;
    input.dataset.key = h.key;
    if (h.bool) {
      label.className = 'check';
      input.type = 'checkbox';
      input.checked = !!config.optimizer[h.key];
      label.append(input, ` ${h.label}`);
    } else {
      input.type = 'number';
      input.step = 'any';
      input.min = String(h.min);
      input.max = String(h.max);
      input.value = String(config.optimizer[h.key]);
      label.append(`${h.label} `, input);
    }
    box.append(label);
  }
  lockControls(box);
}

/** The batch size's field, slider and note, within the training rows in use. */
export function renderBatch() {
  const b = Math.min(config.batchSize, batchMax());
  $('batch').max = String(batchMax());
  $('batch').value = String(b);
  $('batch-slider').value = String(batchToSlider(b));
  $('batch-out').textContent = b >= batchMax() ? `${b} (full batch)` : b === 1 ? '1 (stochastic)' : String(b);
}

/** Writes the optimizer configuration into the panel's controls. */
export function renderOptimizer() {
  const sel = $('optimizer');
  if (!sel.options.length) sel.append(...labelled('optimizer', OPTIMIZER_NAMES).map(([v, t]) => new Option(t, v)));
  sel.value = config.optimizer.name;
  $('lr').value = String(config.optimizer.learningRate);
  $('lr-slider').value = String(lrToSlider(config.optimizer.learningRate));
  renderHyper();
  renderBatch();
  $('epochs').value = String(config.epochs);
  $('early').checked = config.earlyStopping;
  $('patience').value = String(config.patience);
  $('patience').disabled = !config.earlyStopping;
  lockControls($('optimizer-panel'));
}

async function setLr(lr) {
  config.optimizer.learningRate = lr;
  $('lr-slider').value = String(lrToSlider(lr));
  if (page.modelId !== null) await page.client.setLearningRate(page.modelId, lr);
}

/** The learning rate in its field, checked, applied at the next batch. */
const typedLr = () => setLr(readNumber($('lr'), 'Learning rate', { min: 0, max: 10, exclusiveMin: true }));

/** A learning rate from elsewhere on the page (the finder's suggestion): written into the field and applied as typed. */
export async function useLearningRate(lr) {
  $('lr').value = String(lr);
  await typedLr();
}

export function wireOptimizer() {
  on($('optimizer'), 'change', async () => {
    const name = $('optimizer').value;
    config.optimizer = { name, ...OPTIMIZER_DEFAULTS[name] };
    renderHyper();
    $('lr').value = String(config.optimizer.learningRate);
    $('lr-slider').value = String(lrToSlider(config.optimizer.learningRate));
    await applyOptimizer();
  });
  $('lr-slider').addEventListener('input', () => {
    const lr = Number((10 ** Number($('lr-slider').value)).toPrecision(2));
    $('lr').value = String(lr);
    $('lr').setAttribute('aria-invalid', 'false');
  });
  on($('lr-slider'), 'change', () => setLr(Number($('lr').value)));
  on($('lr'), 'change', typedLr);
  on($('hyper'), 'change', async (e) => {
    const key = e.target.dataset.key;
    const h = HYPER[config.optimizer.name].find((x) => x.key === key);
    config.optimizer[key] = h.bool ? e.target.checked : readNumber(e.target, h.label, h);
    await applyOptimizer();
  });
  $('batch-slider').addEventListener('input', () => {
    const b = sliderToBatch(Number($('batch-slider').value));
    $('batch').value = String(b);
    $('batch-out').textContent = b >= batchMax() ? `${b} (full batch)` : String(b);
  });
  const setBatch = async (b) => {
    config.batchSize = b;
    renderBatch();
    await restartRun();
  };
  on($('batch-slider'), 'change', () => setBatch(Number($('batch').value)));
  on($('batch'), 'change', () => setBatch(readNumber($('batch'), 'Batch size', { min: 1, max: batchMax(), integer: true })));
  on($('epochs'), 'change', async () => {
    config.epochs = readNumber($('epochs'), 'Epoch limit', { min: 1, max: LIMITS.epochs, integer: true });
    if (page.status !== 'done') await restartRun();
  });
  on($('early'), 'change', async () => {
    config.earlyStopping = $('early').checked;
    $('patience').disabled = !config.earlyStopping;
    if (page.status !== 'done') await restartRun();
  });
  on($('patience'), 'change', async () => {
    config.patience = readNumber($('patience'), 'Patience', { min: 1, max: 100000, integer: true });
    if (config.earlyStopping && page.status !== 'done') await restartRun();
  });
}
