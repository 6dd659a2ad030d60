// racepanel.mjs - the Optimizers view's race (race.mjs loads it the first
// time the view opens): the playground's network trained on its training
// points by each of the six optimizers (each with its defaults) from the
// same initial weights and the same batch order, in a worker of its own so
// training and the page go on meanwhile. The core runs the race
// (compareOptimizers, one message per optimizer as it finishes) and the loss
// surface on the plane of the paths' first two principal components
// (lossSurface, directions 'pca'); racedraw.mjs draws them.

import './racebody.mjs'; // first: the view's markup
import { DescentClient } from '../lib/client.mjs';
import { raceInput } from './race.mjs';
import { RaceCurves, drawRanking, drawSurface } from './racedraw.mjs';
import { $, fmt, lockControls, page } from './state.mjs';

/** Points per axis of the loss surface. */
export const RACE_RESOLUTION = 64;

const race = {
  client: null,       // the race's own worker, made at the first race
  token: 0,           // the current race; an older one's replies are dropped
  key: null,          // the settings the shown race ran with
  data: null,         // and its data
  status: 'idle',     // idle | racing | surface | done | error
  names: [],
  lanes: [],          // per optimizer, its result once its lane is done
  initialLoss: null,
  surface: null,      // the loss surface's {alphas, betas, loss, variance}, once computed
  range: null,        // the surface's lowest and highest loss
  paths: [],          // per optimizer, its path's points projected on the surface's plane, [alpha, beta]
  curves: new RaceCurves($('race-curves')),
  error: '',
};

/** The settings a race ran with: its configuration and options, and the data (a new data set is a new object). */
const keyOf = (input) => JSON.stringify([input.config, input.options]);
const stale = (input) => keyOf(input) !== race.key || page.data !== race.data;

function say(text) {
  $('race-status').textContent = text;
}

/** Runs the race on the playground's current settings; its lanes and then the surface are drawn as they come. */
async function run() {
  const input = raceInput();
  if (!input) return;
  const token = ++race.token;
  const current = () => token === race.token;
  race.key = keyOf(input);
  race.data = page.data;
  Object.assign(race, { status: 'racing', names: input.options.optimizers, lanes: [], initialLoss: null, surface: null, range: null, paths: [], error: '' });
  $('race-surface-box').hidden = true;
  $('race-again').disabled = true;
  const { epochs, batchSize } = input.options;
  say(`Racing ${race.names.length} optimizers for ${epochs} epochs (batch size ${batchSize}, seed ${input.options.seed})…`);
  race.curves.start(race.names, epochs);
  drawRanking($('race-ranking'), race.names, race.lanes);
  const x = input.x.slice();
  const y = input.y.slice();
  try {
    if (!race.client) race.client = await DescentClient.create();
    const result = await race.client.compareOptimizers(input.config, x.slice(), y.slice(), input.options, {
      onProgress: ({ index, result: lane }) => {
        if (!current()) return;
        race.lanes[index] = { ...lane, path: null };
        race.curves.lane(index, null, lane.history); // epoch 0, the common start, comes with the whole race
        say(`${index + 1} of ${race.names.length} optimizers done…`);
        drawRanking($('race-ranking'), race.names, race.lanes);
      },
    });
    if (!current()) return;
    race.initialLoss = result.initialLoss;
    result.results.forEach((lane, i) => {
      race.lanes[i] = { ...lane, path: null };
      race.curves.lane(i, result.initialLoss, lane.history);
    });
    drawRanking($('race-ranking'), race.names, race.lanes);
    race.status = 'surface';
    say(`Computing the loss surface (${RACE_RESOLUTION} × ${RACE_RESOLUTION} points on the plane of the paths)…`);
    // The plane through the common start that holds most of every path's
    // movement: the first two principal components of all the paths' points.
    const path = result.results.flatMap((lane) => lane.path);
    const model = await race.client.createModel({ ...input.config, seed: input.options.seed });
    let surface;
    try {
      surface = await race.client.lossSurface(model, x, y, { directions: 'pca', path, resolution: RACE_RESOLUTION });
    } finally {
      race.client.dispose(model).catch(() => {});
    }
    if (!current()) return;
    const paths = [];
    let at = 0;
    for (const lane of result.results) {
      paths.push(surface.pathProjection.slice(at, at + lane.path.length));
      at += lane.path.length;
    }
    race.surface = surface;
    $('race-surface-box').hidden = false;
    race.range = drawSurface($('race-surface'), surface, paths);
    race.paths = paths;
    const share = surface.variance ? ` (${(100 * (surface.variance[0] + surface.variance[1])).toFixed(0)}% of the paths' variance)` : '';
    $('race-surface-note').textContent = `Training loss on the plane through the common start (ringed) spanned by the paths' first two principal components${share}; ` +
      `bright is low (${fmt(race.range.lo)}), dark is high (${fmt(race.range.hi)}), lines at equal loss. Each optimizer's path ends in a dot.`;
    race.status = 'done';
    say(`Done: ${race.names.length} optimizers, ${epochs} epochs each, from a common initial loss of ${fmt(result.initialLoss)}.`);
  } catch (e) {
    if (!current()) return;
    race.status = 'error';
    race.error = e.message;
    say(`The race stopped: ${e.message}`);
  } finally {
    if (current()) $('race-again').disabled = false;
    lockControls($('race'));
  }
}

/** Races if the view is open and the settings differ from the shown race's (or when asked again). */
export function refresh(force = false) {
  if (!$('race-details').open || page.modelId === null) return;
  const input = raceInput();
  if (!input) return;
  if (force || stale(input)) run();
}

$('race-again').addEventListener('click', () => refresh(true));

/** The view's state for tests: each lane's name and final loss, the surface's size. */
export function raceState() {
  return {
    status: race.status,
    error: race.error,
    initialLoss: race.initialLoss,
    lanes: race.names.map((optimizer, i) => {
      const l = race.lanes[i];
      return l ? { optimizer, finalLoss: l.finalLoss, diverged: l.diverged, epochs: l.history.length, learningRate: l.learningRate } : { optimizer, finalLoss: null };
    }),
    curvePoints: race.curves.points,
    surface: race.surface && { resolution: race.surface.alphas.length, lo: race.range.lo, hi: race.range.hi, paths: race.paths.map((p) => p.length) },
  };
}
