// lrfinderpanel.mjs - the learning-rate finder (lrfinder.mjs loads it the
// first time its Find button is pressed): Smith's range test (the core's
// findLearningRate, in the page's worker) on a fresh model of the current
// network, optimizer, seed and training rows, the rate growing each batch;
// its smoothed loss plotted against the rate on a log axis, the suggestion
// (where the loss falls fastest) marked, and a button that sets the
// suggestion, rounded to two digits, through the learning rate field's own
// path. A run under way is paused first (the test and training share the
// worker). Refused under lock, as the field is.

import { finderInput } from './lrfinder.mjs';
import { playPause } from './run.mjs';
import { useLearningRate } from './optimizerpanel.mjs';
import { fitCanvas } from './plots.mjs';
import { ACCENT, FAMILY, GRID, INK, MUTED, PLOT, POS, rgba } from './palette.mjs';
import { $, config, fmt, lockControls, on, page } from './state.mjs';

const finder = {
  status: 'idle',   // idle | running | done | error
  key: null,        // the settings the shown test ran with
  data: null,       // and its data
  result: null,     // {rates, losses, rawLosses, suggested, stoppedEarly}
  error: '',
};

/** The rate "use" sets: the suggestion to two significant digits (as the slider gives rates). */
export const roundRate = (r) => Number(r.toPrecision(2));

/** The settings a test depends on: not the learning rate, which the test sweeps. */
function keyOf(input) {
  const { optimizer: { learningRate, ...optimizer }, ...rest } = input.config;
  return JSON.stringify([rest, optimizer, input.options]);
}

function say(text) {
  $('lr-note').textContent = text;
}

/** Runs the test on the current settings (pausing a run first) and shows it. */
export async function find() {
  const input = finderInput();
  if (!input) return;
  const paused = page.status === 'running';
  if (paused) await playPause();
  Object.assign(finder, { status: 'running', key: keyOf(input), data: page.data, result: null, error: '' });
  $('lr-finder').hidden = false;
  $('lr-use').hidden = true;
  $('lr-find').disabled = true;
  say(`${paused ? 'Training paused. ' : ''}Training a copy of the model with a rate growing each batch…`);
  draw();
  try {
    const result = await page.client.findLearningRate(input.config, input.x.slice(), input.y.slice(), input.options);
    Object.assign(finder, { status: 'done', result });
    show();
  } catch (e) {
    Object.assign(finder, { status: 'error', error: e.message });
    say(`The range test stopped: ${e.message}`);
    throw e;
  } finally {
    $('lr-find').disabled = false;
    lockControls($('optimizer-panel'));
  }
}

function show() {
  const { result } = finder;
  const n = result.rates.length;
  const span = `${fmt(result.rates[0], 2)} to ${fmt(result.rates[n - 1], 2)}`;
  const stop = result.stoppedEarly ? ', stopped once the loss blew up' : '';
  const use = $('lr-use');
  if (result.suggested === null) {
    use.hidden = true;
    say(`${n} steps, rates ${span}${stop}: too few to suggest a rate.`);
  } else {
    const rate = roundRate(result.suggested);
    use.hidden = false;
    use.textContent = `Use ${rate}`;
    use.dataset.rate = String(rate);
    use.dataset.suggested = String(result.suggested);
    say(`${n} steps, rates ${span}${stop}. The loss falls fastest at ${fmt(result.suggested, 3)} (marked); the dashed line is the rate now.`);
  }
  draw();
}

/** The smoothed loss against the rate (log axis), the suggestion and the current rate marked. */
function draw() {
  const canvas = $('lr-plot');
  const [w, h, ctx] = fitCanvas(canvas);
  ctx.fillStyle = rgba(PLOT);
  ctx.fillRect(0, 0, w, h);
  const { result } = finder;
  if (!result || result.rates.length < 2) return;
  const pad = { left: 40, right: 8, top: 8, bottom: 20 };
  const pw = w - pad.left - pad.right;
  const ph = h - pad.top - pad.bottom;
  const lx = result.rates.map(Math.log10);
  const x0 = lx[0];
  const x1 = lx[lx.length - 1];
  const finite = result.losses.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const y0 = lo - 0.05 * (hi - lo || 1);
  const y1 = hi + 0.05 * (hi - lo || 1);
  const px = (l) => pad.left + ((l - x0) / (x1 - x0)) * pw;
  const py = (v) => pad.top + (1 - (v - y0) / (y1 - y0)) * ph;
  ctx.font = `10px ${FAMILY}`;
  ctx.lineWidth = 1;
  // Decades across, three losses up.
  ctx.fillStyle = rgba(MUTED);
  ctx.strokeStyle = rgba(GRID);
  ctx.textAlign = 'center';
  for (let d = Math.ceil(x0); d <= Math.floor(x1); d++) {
    ctx.beginPath(); ctx.moveTo(px(d), pad.top); ctx.lineTo(px(d), pad.top + ph); ctx.stroke();
    if ((d - Math.ceil(x0)) % 2 === 0 || x1 - x0 < 6) ctx.fillText(d === 0 ? '1' : d === 1 ? '10' : `1e${d}`, px(d), h - 6);
  }
  ctx.textAlign = 'right';
  for (const v of [lo, (lo + hi) / 2, hi]) {
    ctx.beginPath(); ctx.moveTo(pad.left, py(v)); ctx.lineTo(pad.left + pw, py(v)); ctx.stroke();
    ctx.fillText(fmt(v, 3), pad.left - 3, py(v) + 3);
  }
  // The rate now, dashed.
  const now = Math.log10(config.optimizer.learningRate);
  if (now >= x0 && now <= x1) {
    ctx.save();
    ctx.strokeStyle = rgba(MUTED, 0.8);
    ctx.setLineDash([4, 3]);
    ctx.beginPath(); ctx.moveTo(px(now), pad.top); ctx.lineTo(px(now), pad.top + ph); ctx.stroke();
    ctx.restore();
  }
  ctx.strokeStyle = rgba(POS);
  ctx.lineWidth = 2;
  ctx.beginPath();
  let started = false;
  result.losses.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (started) ctx.lineTo(px(lx[i]), py(v)); else ctx.moveTo(px(lx[i]), py(v));
    started = true;
  });
  ctx.stroke();
  if (result.suggested !== null) {
    const i = result.rates.indexOf(result.suggested);
    const sx = px(Math.log10(result.suggested));
    ctx.strokeStyle = rgba(ACCENT);
    ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(sx, pad.top); ctx.lineTo(sx, pad.top + ph); ctx.stroke();
    ctx.fillStyle = rgba(ACCENT);
    ctx.beginPath(); ctx.arc(sx, py(result.losses[i]), 4, 0, 2 * Math.PI); ctx.fill();
    // Its label on a light box, on the side with room.
    const label = `suggested ${fmt(result.suggested, 2)}`;
    const tw = ctx.measureText(label).width;
    const lx0 = sx > pad.left + pw / 2 ? sx - 5 - tw : sx + 5;
    ctx.fillStyle = rgba(PLOT, 0.9);
    ctx.fillRect(lx0 - 2, pad.top + 1, tw + 4, 13);
    ctx.fillStyle = rgba(INK);
    ctx.textAlign = 'left';
    ctx.fillText(label, lx0, pad.top + 11);
  }
}

/** After every action: a test of other settings (or data) is put away; else redrawn (the rate now may have moved). */
export function finderSettled() {
  if (finder.status === 'idle' || finder.status === 'running') return;
  const input = finderInput();
  if (!input || keyOf(input) !== finder.key || page.data !== finder.data) {
    finder.status = 'idle';
    finder.result = null;
    $('lr-finder').hidden = true;
    return;
  }
  draw();
}

// Wired once, as the module loads: the suggestion's button, and the plot redrawn at a new size.
on($('lr-use'), 'click', () => useLearningRate(Number($('lr-use').dataset.rate)));
new ResizeObserver(() => { if (!$('lr-finder').hidden) draw(); }).observe($('lr-finder'));

/** The finder's state for tests: its suggestion, the rate "use" sets, the points plotted. */
export function finderState() {
  const r = finder.result;
  return {
    status: finder.status,
    error: finder.error,
    suggested: r ? r.suggested : null,
    use: r && r.suggested !== null ? roundRate(r.suggested) : null,
    points: r ? r.rates.length : 0,
    stoppedEarly: r ? r.stoppedEarly : null,
  };
}
