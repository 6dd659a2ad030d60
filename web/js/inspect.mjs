// inspect.mjs - the gradient inspector: per layer of the model in use, the
// norms of the loss gradient with respect to its kernel and bias, the
// kernel's norm, the last update's size against the weights and, for relu
// layers, the share of dead units, as the core computes them (the worker's
// gradientStats on the training rows). Live while training, but only while
// the panel is on screen, and at most one request per GRADIENTS_MS (longer
// when a request itself is slow), never one per step. The norms are drawn on
// a fixed log scale, so a vanishing gradient (1e-6) and an exploding one
// (1e+3) are both seen for what they are. A worked example about gradients
// (choices.mjs's PRESET_LESSONS) says here what to look at.

import { PRESETS, PRESET_LESSONS } from './choices.mjs';
import { $, config, lazy, page } from './state.mjs';

const GRADIENTS_MS = 200;   // at most one request per, while training
const SLOW = 4;             // and at least this many times the last request's time apart
/** The bars' scale: powers of ten from LOG_MIN to LOG_MAX. */
export const LOG_MIN = -8;
export const LOG_MAX = 4;

/** The bars' drawing, loaded with the first statistics (the panel is below the first screen). */
const gradientBars = lazy(() => import('./gradientbars.mjs'), 'the gradient bars');

const inspector = {
  onScreen: false,
  asking: false,
  again: false,
  askedAt: -Infinity,
  took: 0,
  stats: null,      // {modelId, stepCount, layers} of the latest reply
  replies: 0,       // replies so far (a test checks the rate)
  error: '',
};

/** The panel can be seen: not hidden (hide=gradients) and at least partly on screen. */
const shown = () => inspector.onScreen && !$('gradients').hidden;

/** A norm's place on the bars' scale, 0 to 1 (0 for 0 and below the scale). */
export function logPlace(v) {
  if (!(v > 0)) return 0;
  return Math.min(1, Math.max(0, (Math.log10(v) - LOG_MIN) / (LOG_MAX - LOG_MIN)));
}

/** Asks the worker for the model's gradient statistics on the training rows; one request at a time, throttled while training. */
export async function refreshGradients(force = false) {
  if (page.modelId === null || !page.modelData || !page.modelData.nTrain || !shown()) return;
  // While training, a progress message asks only when the last reply is old enough (never while one is awaited).
  const wait = Math.max(GRADIENTS_MS, SLOW * inspector.took);
  if (!force && page.status === 'running' && (inspector.asking || performance.now() - inspector.askedAt < wait)) return;
  // Else (a step, a pause, the run's end, a reset): asked once the reply awaited has come.
  if (inspector.asking) {
    inspector.again = true;
    return;
  }
  inspector.asking = true;
  try {
    do {
      inspector.again = false;
      inspector.askedAt = performance.now();
      const modelId = page.modelId;
      const data = page.modelData;
      // (copies: the client transfers what it is given)
      const stats = await page.client.gradientStats(modelId, data.xTrain.slice(), data.yTrain.slice());
      inspector.took = performance.now() - inspector.askedAt;
      if (modelId !== page.modelId) continue;
      const bars = await gradientBars.load();
      await bars.styled;
      if (modelId !== page.modelId) continue;
      inspector.stats = stats;
      inspector.replies++;
      inspector.error = '';
      bars.render(stats);
    } while (inspector.again && page.modelId !== null);
  } catch (e) {
    // A model disposed meanwhile is no error; a loss that is not finite (a run diverging) has no gradient: said in the panel.
    if (!/unknown model id/.test(e.message)) {
      inspector.error = e.message;
      $('grad-status').textContent = `no gradient: ${e.message.replace(/^gradientStats: /, '')}`;
    }
  } finally {
    inspector.asking = false;
  }
}

/** Whether have holds what want says: objects key by key (have may hold more, as an optimizer's defaults), arrays item by item. */
function holds(want, have) {
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => holds(w, have[i]));
  if (want && typeof want === 'object') return !!have && typeof have === 'object' && Object.keys(want).every((k) => holds(want[k], have[k]));
  return want === have;
}

/** The worked example about gradients whose settings are in use, if any: its sentence; else ''. */
export function presetLesson() {
  const [name] = Object.keys(PRESET_LESSONS).filter((n) => holds(PRESETS[n], config));
  return name ? PRESET_LESSONS[name] : '';
}

/** After every action: the lesson shown when its example's settings are in use. */
export function gradientsSettled() {
  const text = presetLesson();
  $('grad-lesson').textContent = text;
  $('grad-lesson').hidden = !text;
}

/** Watches whether the panel is on screen: coming into view, it asks for the model's statistics at once. */
export function wireGradients() {
  const panel = $('gradients');
  new IntersectionObserver((entries) => {
    const visible = entries.some((e) => e.isIntersecting);
    const came = visible && !inspector.onScreen;
    inspector.onScreen = visible;
    if (came) refreshGradients(true);
  }).observe(panel);
  // A worked example about gradients brings the panel into view.
  for (const button of document.querySelectorAll('[data-preset]')) {
    if (PRESET_LESSONS[button.dataset.preset]) button.addEventListener('click', () => panel.scrollIntoView({ block: 'nearest' }));
  }
}

/** The panel's state for tests: the latest statistics shown, and whether a request is under way. */
export function gradientsState() {
  const { stats } = inspector;
  return {
    asking: inspector.asking,
    replies: inspector.replies,
    error: inspector.error,
    onScreen: inspector.onScreen,
    stepCount: stats ? stats.stepCount : null,
    layers: stats ? stats.layers.map((l) => ({ ...l })) : [],
    lesson: $('grad-lesson').hidden ? '' : $('grad-lesson').textContent,
  };
}
