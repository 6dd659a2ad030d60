// pace.mjs - a run at a pace a learner can watch: below 'max' the worker's
// run stays paused and is stepped one epoch at a time, as many as the pace
// has made due since it started (so a throttled timer, in a background tab,
// catches up rather than slowing down); at 'max' the worker runs on its own.

import { page } from './state.mjs';

/** Whether runs go at a set pace (else as fast as they go). */
export const paced = () => page.pace !== 'max';

let pacer = null;

const wait = (p, ms) => new Promise((ok) => { p.wake = ok; p.timer = setTimeout(ok, ms); });

/**
 * Steps run (the page's current run, paused in the worker) epoch by epoch at
 * page.pace epochs per second, the first at once, until stopPacer, the run's
 * end or its epoch limit (run.epochs: a step past it would train on).
 */
export function startPacer(run) {
  const p = { run, modelId: page.modelId, t0: performance.now(), done: 0, stopped: false, wake: null, timer: null };
  pacer = p;
  const live = () => !p.stopped && page.run === run && !(run.last && run.last.epoch >= run.epochs);
  p.loop = (async () => {
    while (live()) {
      const due = Math.floor(((performance.now() - p.t0) / 1000) * page.pace) + 1 - p.done;
      if (due <= 0) {
        await wait(p, ((p.done / page.pace) * 1000) - (performance.now() - p.t0));
        continue;
      }
      try {
        await page.client.step(p.modelId, { epoch: true });
      } catch {
        // A run that diverged or ended: its own handler says so.
        break;
      }
      p.done++;
      // The run's end, if this step ended it, is read before the next step.
      await new Promise((ok) => { setTimeout(ok, 0); });
    }
  })();
}

/** Stops the pacer, if any, once its step in flight is back. */
export async function stopPacer() {
  const p = pacer;
  pacer = null;
  if (!p) return;
  p.stopped = true;
  clearTimeout(p.timer);
  if (p.wake) p.wake();
  await p.loop;
}
