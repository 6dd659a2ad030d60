// networkpanel.mjs - the Network panel: the hidden layers (units and
// activation each), the output and loss, the initializer, the L1 and L2
// rates and the weight seed. Each change makes the model anew.

import { ACTIVATIONS, DEFAULT_OUTPUT, MAX_LAYERS, MAX_UNITS, OUTPUTS } from './choices.mjs';
import { labelled } from './labels.mjs';
import { INIT_NAMES, LIMITS } from './names.mjs';
import { prepare } from './data.mjs';
import { renderLegend } from './planeview.mjs';
import { reset } from './run.mjs';
import { $, checkNumber, config, lockControls, on, outputTask, readNumber, task } from './state.mjs';

const UNITS_RANGE = { min: 1, max: MAX_UNITS, integer: true };
const unitsName = (i) => `Units in hidden layer ${i + 1}`;

/**
 * Hidden layer i (0-based) with units given as text (the diagram's − and +
 * give the count one off): checked as the panel's units field checks it,
 * then the model made anew. Run as an action (on, act).
 */
export async function setUnits(i, text) {
  config.layers[i].units = checkNumber(text, unitsName(i), UNITS_RANGE);
  renderLayers();
  await reset();
}

function renderOutputs() {
  const sel = $('output');
  const t = task();
  sel.replaceChildren();
  const ot = outputTask();
  sel.append(new Option(`auto: ${OUTPUTS[DEFAULT_OUTPUT[ot]].label}`, 'auto'));
  for (const [key, o] of Object.entries(OUTPUTS)) {
    if (o.tasks.includes(ot) && key !== DEFAULT_OUTPUT[ot]) sel.append(new Option(o.label + (o.signed && t === 'classification' ? ' (labels ±1)' : ''), key));
  }
  sel.value = [...sel.options].some((o) => o.value === config.output) ? config.output : 'auto';
}

function renderLayers() {
  const list = $('layers');
  list.replaceChildren();
  config.layers.forEach((layer, i) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = `Layer ${i + 1}`;
    const units = document.createElement('input');
    units.type = 'number';
    units.min = '1';
    units.max = String(MAX_UNITS);
    units.step = '1';
    units.value = String(layer.units);
    units.dataset.layer = String(i);
    units.className = 'units';
    units.setAttribute('aria-label', `Units in hidden layer ${i + 1}`);
    const act = document.createElement('select');
    act.dataset.layer = String(i);
    act.className = 'activation';
    act.setAttribute('aria-label', `Activation of hidden layer ${i + 1}`);
    for (const [value, text] of ACTIVATIONS) act.append(new Option(text, value));
    act.value = layer.activation;
    li.append(name, units, act);
    list.append(li);
  });
  $('layer-count').textContent = String(config.layers.length);
  $('add-layer').disabled = config.layers.length >= MAX_LAYERS;
  $('remove-layer').disabled = config.layers.length === 0;
  lockControls($('network-panel'));
}

/** Writes the network configuration into the panel's controls. */
export function renderNetwork() {
  renderLayers();
  renderOutputs();
  const init = $('init');
  if (!init.options.length) init.append(...labelled('initializer', INIT_NAMES).map(([v, t]) => new Option(t, v)));
  init.value = config.init;
  $('l1').value = String(config.l1);
  $('l2').value = String(config.l2);
  $('seed').value = String(config.seed);
  lockControls($('network-panel'));
}

export function wireNetwork() {
  on($('add-layer'), 'click', async () => {
    const last = config.layers.at(-1) || { units: 8, activation: 'relu' };
    config.layers.push({ units: last.units, activation: last.activation });
    renderLayers();
    await reset();
  });
  on($('remove-layer'), 'click', async () => {
    config.layers.pop();
    renderLayers();
    await reset();
  });
  on($('layers'), 'change', async (e) => {
    const i = Number(e.target.dataset.layer);
    if (e.target.classList.contains('units')) {
      config.layers[i].units = readNumber(e.target, unitsName(i), UNITS_RANGE);
    } else {
      config.layers[i].activation = e.target.value;
    }
    await reset();
  });
  on($('output'), 'change', async () => {
    config.output = $('output').value;
    prepare();
    renderLegend();
    await reset();
  });
  on($('init'), 'change', async () => { config.init = $('init').value; await reset(); });
  on($('l1'), 'change', async () => { config.l1 = readNumber($('l1'), 'L1 rate', { min: 0, max: 1 }); await reset(); });
  on($('l2'), 'change', async () => { config.l2 = readNumber($('l2'), 'L2 rate', { min: 0, max: 1 }); await reset(); });
  on($('seed'), 'change', async () => {
    config.seed = readNumber($('seed'), 'Weight seed', { min: 0, max: LIMITS.seed, integer: true });
    await reset();
  });
}
