// runpanel.mjs - the run's controls and figures: train / pause, one batch,
// one epoch, reset and a new seed (buttons and keys), and the epoch, samples,
// steps per second, losses and accuracy or R² of both splits with the status.

import { atLimit, playPause, reset, setPace, step, totals } from './run.mjs';
import { LIMITS } from './names.mjs';
import { PACES } from './urlstate.mjs';
import { $, act, config, fmt, grouped, locked, on, page, task } from './state.mjs';

let playLabel = null;

/** The run's buttons as the state allows. */
export function updateButtons() {
  const ready = page.modelId !== null;
  const running = page.status === 'running';
  const play = $('play');
  // Rewritten only when it changes: a label replaced under the pointer between
  // mousedown and mouseup loses the click (type a rate, then press Train: the
  // rate's change event ends its action, and so calls this, mid-click).
  // At the epoch limit: said beside Train, which offers to go on (the limit doubled) unless the exercise is locked.
  const limit = atLimit();
  const canContinue = limit && !locked() && config.epochs < LIMITS.epochs;
  const label = running ? '❚❚ <span>Pause</span>' : canContinue ? '▶ <span>Continue</span>' : '▶ <span>Train</span>';
  if (label !== playLabel) play.innerHTML = label;
  playLabel = label;
  play.setAttribute('aria-pressed', running ? 'true' : 'false');
  play.title = canContinue ? `Continue: raise the epoch limit to ${Math.min(LIMITS.epochs, config.epochs * 2)} and train on (space)` : 'Train / pause (space)';
  play.disabled = !ready || (limit && !canContinue);
  const note = $('limit-note');
  note.hidden = !limit;
  note.textContent = limit ? `Epoch limit (${config.epochs}) reached${canContinue ? '' : locked() ? ': reset to run again' : ''}` : '';
  writePace();
  $('reset').disabled = !ready;
  $('new-seed').disabled = !ready || locked(); // a new seed is a new exercise
  for (const id of ['step-batch', 'step-epoch']) $(id).disabled = !ready || limit;
  page.dirty = true;
}

/** The figures beside the loss chart and in the bar. */
export function writeMetrics() {
  const { epoch, steps, samples } = totals();
  const set = (id, text) => { const el = $(id); if (el.textContent !== text) el.textContent = text; };
  set('m-epoch', String(epoch));
  set('k-epoch', String(epoch));
  set('k-samples', grouped(samples));
  set('k-sps', page.stepsPerSecond ? grouped(Math.round(page.stepsPerSecond)) : '–');
  set('m-loss', fmt(page.lastLoss));
  set('k-loss', fmt(page.lastLoss));
  set('m-val-loss', fmt(page.lastValLoss));
  set('k-val-loss', fmt(page.lastValLoss));
  const cls = task() === 'classification';
  set('k-metric-name', cls ? 'Train accuracy' : 'Train R²');
  set('k-val-metric-name', cls ? 'Test accuracy' : 'Test R²');
  const m = page.metrics;
  set('k-metric', m ? fmt(m.train, 3) : '–');
  set('k-val-metric', m ? fmt(m.test, 3) : '–');
  const status = { loading: 'loading…', paused: steps ? 'paused' : 'ready', running: 'training', done: 'finished', error: 'error' }[page.status];
  set('k-status', page.statusNote && page.status === 'done' ? `${status}: ${page.statusNote}` : status);
}

/** The pace slider and its value as the page's pace says. */
function writePace() {
  const i = PACES.indexOf(page.pace);
  if (String(i) !== $('pace').value) $('pace').value = String(i);
  const text = page.pace === 'max' ? 'max' : `${page.pace}/s`;
  if ($('pace-value').textContent !== text) $('pace-value').textContent = text;
  $('pace').setAttribute('aria-valuetext', page.pace === 'max' ? 'as fast as it goes' : `${page.pace} epochs per second`);
}

export function wireRun() {
  const run = { whenLocked: true };
  $('pace').max = String(PACES.length - 1);
  // A view of the run, not its configuration: it changes nothing a run computes.
  on($('pace'), 'input', () => setPace(PACES[Number($('pace').value)]), run);
  on($('play'), 'click', playPause, run);
  on($('step-batch'), 'click', () => step(false), run);
  on($('step-epoch'), 'click', () => step(true), run);
  on($('reset'), 'click', reset, run);
  on($('new-seed'), 'click', async () => {
    config.seed = crypto.getRandomValues(new Uint32Array(1))[0];
    $('seed').value = String(config.seed);
    await reset();
  });
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    if (/^(BUTTON|SUMMARY)$/.test(t.tagName) && (e.key === ' ' || e.key === 'Enter')) return; // Space opens a disclosure, presses a button
    const keys = { ' ': () => act(playPause), '.': () => act(() => step(false)), e: () => act(() => step(true)), r: () => act(reset) };
    const fn = keys[e.key.toLowerCase()];
    if (fn) {
      e.preventDefault();
      fn();
    }
  });
}
