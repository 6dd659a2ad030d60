// gradientbars.mjs - the gradient inspector's bars (inspect.mjs loads this
// with the first statistics it shows): per layer its name, the kernel
// gradient's norm as a bar on the fixed log scale and as a number, and the
// other figures under it.

import { logPlace } from './inspect.mjs';
import { $, config, fmt, output, page, stylesheet } from './state.mjs';

/** Resolves once the bars' styles (panels.css) are in: inspect.mjs draws the first bars after. */
export const styled = stylesheet('panels.css');

/** Each layer's name as the network panel gives it: hidden layers by number, then the output. */
function layerName(i, units) {
  const hidden = config.layers[i];
  return hidden ? `Layer ${i + 1}: ${units} ${hidden.activation}` : `Output: ${units} ${output().activation}`;
}

function stat(label, value, title) {
  const span = document.createElement('span');
  span.title = title;
  span.textContent = `${label} ${value}`;
  return span;
}

/** One entry per layer: its name, the kernel gradient's norm as a bar on the log scale and as a number, the other figures under it. */
export function render(stats) {
  const list = $('grad-layers');
  $('grad-status').textContent = stats ? `after ${stats.stepCount} ${stats.stepCount === 1 ? 'step' : 'steps'}` : '';
  if (!stats) {
    list.replaceChildren();
    return;
  }
  list.replaceChildren(...stats.layers.map((l, i) => {
    const li = document.createElement('li');
    li.dataset.layer = String(i);
    li.dataset.gradNorm = String(l.kernelGradNorm);
    const width = i < config.layers.length ? config.layers[i].units : page.modelData.outputs || 1;
    const name = document.createElement('span');
    name.className = 'grad-name';
    name.textContent = layerName(i, width);
    const track = document.createElement('span');
    track.className = 'grad-track';
    const bar = document.createElement('span');
    bar.className = 'grad-bar';
    bar.style.width = `${(100 * logPlace(l.kernelGradNorm)).toFixed(2)}%`;
    track.append(bar);
    const value = document.createElement('span');
    value.className = 'grad-value';
    value.textContent = fmt(l.kernelGradNorm, 3);
    const more = document.createElement('span');
    more.className = 'grad-more';
    more.append(
      stat('‖∇b‖', l.biasGradNorm === null ? 'none' : fmt(l.biasGradNorm, 3), "the norm of the loss gradient with respect to the layer's biases"),
      stat('‖W‖', fmt(l.kernelNorm, 3), "the norm of the layer's kernel (its weights)"),
      stat('update/W', l.updateRatio === null ? '–' : fmt(l.updateRatio, 2), "the last step's change of the kernel against the kernel (about 1e-3 is healthy)"),
      ...(l.deadShare === null ? [] : [stat('dead', `${(100 * l.deadShare).toFixed(0)}%`, 'the share of relu units that output 0 for every training point: they no longer learn')]),
    );
    li.append(name, track, value, more);
    return li;
  }));
}

