// racedraw.mjs - what the Optimizers view draws from the worker's race: the
// loss curves of every optimizer overlaid (a LineChart, a colour per optimizer,
// epoch 0 the common initial loss), the ranking of their final losses (each
// entry a legend swatch too), and the loss surface on the plane of the
// paths' principal components as a heatmap with iso-loss lines and each
// optimizer's path on top. Nothing here computes a loss: the core did.

import { LineChart, chartNumber } from './linechart.mjs';
import { INK, OPTIMIZER_COLOURS, WHITE, ramp, rgba } from './palette.mjs';


/** The colour of optimizer i of the race (CSS). */
export const colourOf = (i) => OPTIMIZER_COLOURS[i % OPTIMIZER_COLOURS.length];

/** The overlaid curves in box: one series per optimizer (null until its lane is done), log-scaled losses. */
export class RaceCurves {
  #box;
  #chart = null;
  #epochs = [];
  #rows = [];

  constructor(box) {
    this.#box = box;
  }

  /** A fresh plot for these optimizers over epochs 0..epochs, every curve empty. */
  start(names, epochs) {
    this.#epochs = Array.from({ length: epochs + 1 }, (_, i) => i);
    this.#rows = names.map(() => new Array(epochs + 1).fill(null));
    if (this.#chart) this.#chart.destroy();
    this.#chart = new LineChart(this.#box, {
      xLabel: 'epoch',
      yLabel: 'training loss (log)',
      log: true,
      legend: false,
      height: (w) => Math.max(200, Math.min(320, Math.round(w * 0.55))),
      series: names.map((name, i) => ({ label: name, colour: colourOf(i), width: 2 })),
    });
    this.#chart.setData(this.#epochs, this.#rows);
  }

  /** Lane i's curve: the initial loss at epoch 0, then its history (a log axis leaves out what is not positive). */
  lane(i, initialLoss, history) {
    const row = this.#rows[i];
    [initialLoss, ...history].forEach((v, e) => { if (e < row.length) row[e] = Number.isFinite(v) && v > 0 ? v : null; });
    if (this.#chart) this.#chart.setData(this.#epochs, this.#rows);
  }

  /** Points drawn per lane (for tests). */
  get points() { return this.#rows.map((row) => row.filter((v) => v !== null).length); }
}

/**
 * The ranking in list (an <ol>): one <li data-optimizer> per optimizer, its
 * swatch, its name and learning rate, and once its lane is done its final
 * loss (data-final-loss) and rank; finished lanes first, lowest loss first.
 */
export function drawRanking(list, names, lanes) {
  const order = names.map((name, i) => i).sort((a, b) => {
    const la = lanes[a];
    const lb = lanes[b];
    const key = (l) => (!l ? 2 : Number.isFinite(l.finalLoss) && !l.diverged ? 0 : 1);
    if (key(la) !== key(lb)) return key(la) - key(lb);
    return key(la) === 0 ? la.finalLoss - lb.finalLoss : a - b;
  });
  list.replaceChildren(...order.map((i) => {
    const lane = lanes[i];
    const li = document.createElement('li');
    li.dataset.optimizer = names[i];
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colourOf(i); // CSSOM: allowed under the page's CSP
    const name = document.createElement('span');
    name.className = 'race-name';
    name.textContent = names[i];
    const value = document.createElement('span');
    value.className = 'race-loss';
    if (!lane) {
      value.textContent = 'racing…';
      li.classList.add('pending');
    } else {
      li.dataset.finalLoss = String(lane.finalLoss);
      name.textContent = `${names[i]} (rate ${Number(lane.learningRate.toPrecision(4))})`;
      value.textContent = lane.diverged ? `diverged after ${lane.history.length} epochs` : chartNumber(lane.finalLoss);
    }
    li.append(swatch, name, value);
    return li;
  }));
}

/** Where (alpha, beta) falls on the canvas (cell centres at the grid's points). */
function placer(surface, w, h) {
  const { alphas, betas } = surface;
  const n = alphas.length;
  const m = betas.length;
  const a0 = alphas[0];
  const a1 = alphas[n - 1];
  const b0 = betas[0];
  const b1 = betas[m - 1];
  return (a, b) => [((a - a0) / (a1 - a0) * (n - 1) + 0.5) * (w / n), h - ((b - b0) / (b1 - b0) * (m - 1) + 0.5) * (h / m)];
}

/** The losses' colour scale: log loss, low bright (viridis as the tuning heatmap: bright is better). */
function scaleOf(loss) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of loss) {
    for (const v of row) {
      if (Number.isFinite(v) && v > 0) {
        lo = Math.min(lo, Math.log(v));
        hi = Math.max(hi, Math.log(v));
      }
    }
  }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  return { lo, hi, t: (v) => (Number.isFinite(v) && v > 0 ? (hi > lo ? (Math.log(v) - lo) / (hi - lo) : 0.5) : 1) };
}

/**
 * The surface on canvas: the loss of each grid point as a cell (log scale),
 * iso-loss lines at eight levels (marching squares on the grid), and each
 * lane's projected path in its colour (a ring at the common start, a dot at
 * its end). paths: per lane, its points' [alpha, beta].
 */
export function drawSurface(canvas, surface, paths) {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const css = Math.max(200, Math.min(480, Math.floor(canvas.parentElement.clientWidth)));
  canvas.width = Math.round(css * dpr);
  canvas.height = Math.round(css * dpr);
  const g = canvas.getContext('2d');
  const { loss } = surface;
  const m = loss.length;
  const n = loss[0].length;
  const scale = scaleOf(loss);
  const cells = new ImageData(n, m);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      const [r, gg, b] = ramp(1 - scale.t(loss[j][i])).rgb;
      const at = ((m - 1 - j) * n + i) * 4; // row 0 is the lowest beta: drawn at the bottom
      cells.data.set([r, gg, b, 255], at);
    }
  }
  const tile = new OffscreenCanvas(n, m);
  tile.getContext('2d').putImageData(cells, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(tile, 0, 0, canvas.width, canvas.height);
  const at = placer(surface, canvas.width, canvas.height);
  contours(g, surface, scale, at, dpr);
  paths.forEach((path, k) => {
    if (!path.length) return;
    g.lineJoin = 'round';
    g.beginPath();
    path.forEach(([a, b], e) => { const [x, y] = at(a, b); if (e) g.lineTo(x, y); else g.moveTo(x, y); });
    // a dark edge under the colour, so every path reads on bright and dark cells alike
    g.strokeStyle = rgba(INK, 0.55);
    g.lineWidth = 4.5 * dpr;
    g.stroke();
    g.strokeStyle = colourOf(k);
    g.lineWidth = 2.5 * dpr;
    g.stroke();
    const [ex, ey] = at(...path[path.length - 1]);
    g.fillStyle = colourOf(k);
    g.strokeStyle = rgba(WHITE);
    g.lineWidth = 1.5 * dpr;
    g.beginPath();
    g.arc(ex, ey, 4.5 * dpr, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  });
  const start = paths.find((p) => p.length);
  if (start) {
    const [sx, sy] = at(...start[0]);
    g.strokeStyle = rgba(INK);
    g.lineWidth = 2 * dpr;
    g.beginPath();
    g.arc(sx, sy, 6 * dpr, 0, 2 * Math.PI);
    g.stroke();
  }
  return { lo: Math.exp(scale.lo), hi: Math.exp(scale.hi) };
}

/** Iso-loss lines at eight levels evenly spaced in log loss: marching squares, each crossing placed linearly. */
function contours(g, surface, scale, at, dpr) {
  const { loss, alphas, betas } = surface;
  const t = loss.map((row) => row.map((v) => scale.t(v)));
  g.strokeStyle = rgba(WHITE, 0.55);
  g.lineWidth = 1 * dpr;
  g.beginPath();
  for (let level = 1; level < 9; level++) {
    const c = level / 9;
    for (let j = 0; j + 1 < t.length; j++) {
      for (let i = 0; i + 1 < t[j].length; i++) {
        // corners: (i, j), (i+1, j), (i+1, j+1), (i, j+1); a crossing on each edge whose ends straddle c
        const corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
        const cross = [];
        for (let e = 0; e < 4; e++) {
          const [ia, ja] = corners[e];
          const [ib, jb] = corners[(e + 1) % 4];
          const va = t[ja][ia];
          const vb = t[jb][ib];
          if ((va < c) === (vb < c)) continue;
          const f = (c - va) / (vb - va);
          cross.push(at(alphas[ia] + (alphas[ib] - alphas[ia]) * f, betas[ja] + (betas[jb] - betas[ja]) * f));
        }
        for (let k = 0; k + 1 < cross.length; k += 2) {
          g.moveTo(...cross[k]);
          g.lineTo(...cross[k + 1]);
        }
      }
    }
  }
  g.stroke();
}
