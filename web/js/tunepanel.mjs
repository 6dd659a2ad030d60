// tunepanel.mjs - the Tune panel: a hyper-parameter search (grid or random,
// k-fold cross-validation) over the playground's training rows, run by a pool
// of workers (lib/tune-pool.mjs, loaded on the first search), with a live
// ranked table, a heatmap of the mean score over two parameters, each
// configuration's fold curves, cancel, and "use the best".

import './tunebody.mjs'; // first: the panel's markup
import { LABELS } from './labels.mjs';
import { foldCurves, foldLegend } from './tunecurves.mjs';
import { drawHeatmap, heatmapGrid, writeLegend } from './tuneheatmap.mjs';
import { LIMITS, higherBetter } from './names.mjs';
import { writeTable } from './tunetable.mjs';
import {
  MAX_CONFIGS, MAX_EPOCHS, METRICS_FOR, PARAM, PARAMS, fmt, readChoices, readValues, seconds, valueText,
} from './tuneparams.mjs';

/** The fold curves' height (px) for a width. */
const curvesHeight = (width) => Math.max(180, Math.min(300, Math.round(width * 0.6)));

/**
 * The panel. hooks: act(fn) runs fn as a page action (errors shown in the
 * banner), InputError the page's error for a user's value, showError(text),
 * current() the playground's settings and rows count, rows() the training
 * rows to search over, apply(config) loads a configuration into the
 * playground.
 */
export class TunePanel {
  #root;
  #hooks;
  #el = {};
  #pool = null;
  #rank = null;
  #run = null;          // the search shown: {plan, results[], ranked[], done, total, started, ended, cancelled, test, error}
  #selected = null;     // the configuration index whose curves are shown
  #chosen = false;      // picked by the user; until then the best so far is shown
  #cursor = { x: 0, y: 0 };
  #cells = null;        // the heatmap as drawn: {x, y, cols, rows, grid, rect}
  #curves = null;       // the LineChart of the selected configuration's folds
  #dirty = false;
  #scheduled = false;
  #timer = 0;
  #input = null;        // the data and options of the latest search, for tests

  constructor(root, hooks) {
    this.#root = root;
    this.#hooks = hooks;
    const $ = (id) => root.querySelector(`#${id}`);
    for (const id of ['tune-details', 'tune-params', 'tune-grid', 'tune-random', 'tune-draws', 'tune-folds', 'tune-metric',
      'tune-seed', 'tune-test', 'tune-start', 'tune-cancel', 'tune-best', 'tune-plan', 'tune-progress', 'tune-status',
      'tune-test-score', 'tune-x', 'tune-y', 'tune-heatmap', 'tune-legend', 'tune-curves', 'tune-curves-title', 'tune-curves-legend',
      'tune-table', 'tune-results', 'tune-map-title']) {
      this.#el[id.slice(5)] = $(id);
    }
    this.#build();
    this.#wire();
    this.refresh();
  }

  // -------------------------------------------------------------- the form

  #build() {
    const box = this.#el.params;
    box.replaceChildren();
    for (const p of PARAMS) {
      const row = document.createElement('div');
      row.className = 'tune-param';
      const on = document.createElement('input');
      on.type = 'checkbox';
      on.id = `tune-on-${p.key}`;
      on.checked = !!p.on;
      const label = document.createElement('label');
      label.className = 'check';
      label.htmlFor = on.id;
      label.append(on, ` ${p.label}`);
      let values;
      if (p.kind === 'choice') {
        values = document.createElement('div');
        values.className = 'chips';
        values.setAttribute('role', 'group');
        values.setAttribute('aria-label', `${p.label} values`);
        for (const [v, text] of p.choices) {
          const chip = document.createElement('label');
          const box2 = document.createElement('input');
          box2.type = 'checkbox';
          box2.id = `tune-${p.key}-${v}`;
          box2.value = v;
          box2.checked = p.grid.includes(v);
          chip.append(box2, ` ${text}`);
          values.append(chip);
        }
      } else {
        values = document.createElement('input');
        values.type = 'text';
        values.spellcheck = false;
        values.value = p.grid;
        values.setAttribute('aria-label', `${p.label} values`);
      }
      values.id = `tune-values-${p.key}`;
      const now = document.createElement('span');
      now.className = 'note tune-now';
      now.id = `tune-now-${p.key}`;
      row.append(label, values, now);
      box.append(row);
    }
    this.#el.grid.checked = true;
  }

  #wire() {
    const el = this.#el;
    const { act } = this.#hooks;
    el.params.addEventListener('change', () => this.refresh());
    el.params.addEventListener('input', () => this.#plan(false));
    for (const id of ['grid', 'random']) el[id].addEventListener('change', () => this.#switchMode());
    for (const id of ['draws', 'folds', 'test']) el[id].addEventListener('input', () => this.#plan(false));
    el.details.addEventListener('toggle', () => {
      if (el.details.open) {
        this.refresh();
        this.#dirty = true;
        this.#schedule();
      }
    });
    el.start.addEventListener('click', () => act(() => this.#start()));
    el.cancel.addEventListener('click', () => this.cancel());
    el.best.addEventListener('click', () => act(() => this.#useBest()));
    for (const id of ['x', 'y']) {
      el[id].addEventListener('change', () => {
        this.#cursor = { x: 0, y: 0 };
        this.#dirty = true;
        this.#schedule();
      });
    }
    el.heatmap.addEventListener('click', (e) => this.#heatmapClick(e));
    el.heatmap.addEventListener('keydown', (e) => this.#heatmapKey(e));
    el.heatmap.addEventListener('focus', () => this.#drawHeatmap());
    el.heatmap.addEventListener('blur', () => this.#drawHeatmap());
    el.table.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-index]');
      if (button) this.#select(Number(button.dataset.index));
    });
    new ResizeObserver(() => { this.#dirty = true; this.#schedule(); }).observe(el.results);
  }

  /** Grid lists become random ranges and back, where the field still holds the other mode's example. */
  #switchMode() {
    const random = this.#el.random.checked;
    for (const p of PARAMS) {
      if (p.kind === 'choice') continue;
      const input = this.#root.querySelector(`#tune-values-${p.key}`);
      if (input.value === (random ? p.grid : p.random)) input.value = random ? p.random : p.grid;
    }
    this.refresh();
  }

  /** The playground's settings next to each parameter, the metrics of its task, the plan. */
  refresh() {
    const cur = this.#hooks.current();
    for (const p of PARAMS) {
      const on = this.#root.querySelector(`#tune-on-${p.key}`).checked;
      const values = this.#root.querySelector(`#tune-values-${p.key}`);
      // Unticked: not searched, and its values look it (greyed, no choice highlighted).
      for (const input of values.tagName === 'INPUT' ? [values] : values.querySelectorAll('input')) input.disabled = !on;
      values.classList.toggle('off', !on);
      this.#root.querySelector(`#tune-now-${p.key}`).textContent = on ? '' : `playground: ${valueText(p.key, cur.base[p.key])}`;
    }
    this.#el.draws.disabled = !this.#el.random.checked;
    const metric = this.#el.metric;
    const wanted = METRICS_FOR[cur.task];
    const shown = [...metric.options].map((o) => o.value);
    if (shown.join() !== ['auto', ...wanted].join()) {
      const keep = metric.value;
      metric.replaceChildren(new Option(`${LABELS.metric[wanted[0]]} (the default)`, 'auto'), ...wanted.map((m) => new Option(LABELS.metric[m], m)));
      metric.value = wanted.includes(keep) ? keep : 'auto';
    }
    this.#el.folds.max = String(Math.max(2, Math.min(20, cur.rows)));
    this.#plan(false);
    this.#buttons();
  }

  #buttons() {
    const run = this.#run;
    const running = !!(run && !run.ended);
    this.#el.start.disabled = running;
    this.#el.cancel.disabled = !running;
    this.#el.best.disabled = !(run && run.ranked.length && Number.isFinite(run.ranked[0].mean));
  }

  /**
   * Reads the form: {mode, space (grid lists or random lists and ranges),
   * keys searched, count, folds, metric, seed, testFraction}. With strict, a
   * value that cannot be used throws the page's InputError naming the field
   * and what is allowed; otherwise the plan line says what is wrong.
   */
  #plan(strict) {
    const note = this.#el.plan;
    try {
      const plan = this.#read();
      const cur = this.#hooks.current();
      const what = plan.mode === 'grid'
        ? `grid: ${plan.keys.length ? plan.keys.map((k) => `${PARAM[k].short} ${plan.space[k].length}`).join(' × ') : 'the playground\'s settings alone'}`
        : `random: ${plan.count} draws`;
      note.textContent = `${plan.count} configuration${plan.count === 1 ? '' : 's'} (${what}) × ${plan.folds} folds on the ${cur.rows} training rows` +
        `${plan.testFraction > 0 ? `, ${Math.round(plan.testFraction * cur.rows)} of them held out for a test score` : ''}.`;
      note.classList.remove('bad');
      return plan;
    } catch (e) {
      if (strict || !(e instanceof this.#hooks.InputError)) throw e;
      note.textContent = e.message;
      note.classList.add('bad');
      return null;
    }
  }

  #read() {
    const { InputError } = this.#hooks;
    const cur = this.#hooks.current();
    const random = this.#el.random.checked;
    const space = {};
    const keys = [];
    for (const el of this.#root.querySelectorAll('[aria-invalid="true"]')) el.setAttribute('aria-invalid', 'false');
    const bad = (el, message) => {
      el.setAttribute('aria-invalid', 'true');
      return new InputError(`Tune: ${message}`);
    };
    for (const p of PARAMS) {
      if (!this.#root.querySelector(`#tune-on-${p.key}`).checked) continue;
      const el = this.#root.querySelector(`#tune-values-${p.key}`);
      space[p.key] = p.kind === 'choice' ? readChoices(p, el, bad) : readValues(p, el, random, cur.rows, bad);
      keys.push(p.key);
    }
    const int = (el, name, min, max, why = '') => {
      const text = el.value.trim();
      const v = Number(text);
      if (text === '' || !Number.isInteger(v) || v < min || v > max) throw bad(el, `${name}: ${JSON.stringify(text)} is not an integer in [${min}, ${max}]${why}`);
      el.setAttribute('aria-invalid', 'false');
      return v;
    };
    let count = 1;
    if (random) {
      count = int(this.#el.draws, 'random draws', 1, MAX_CONFIGS);
    } else {
      for (const k of keys) count *= space[k].length;
      if (count > MAX_CONFIGS) {
        const sizes = keys.map((k) => `${PARAM[k].label} ${space[k].length}`).join(' × ');
        throw bad(this.#el.params, `the grid has ${sizes} = ${count} configurations; at most ${MAX_CONFIGS}: search fewer values (or use random search)`);
      }
    }
    const most = Math.min(20, cur.rows);
    const folds = int(this.#el.folds, 'folds', 2, most, most < 20 ? ` (at most the ${cur.rows} training rows)` : '');
    const seed = int(this.#el.seed, 'seed', 0, LIMITS.seed);
    const testText = this.#el.test.value.trim();
    const testFraction = Number(testText);
    if (testText === '' || !(testFraction >= 0 && testFraction <= 0.5)) throw bad(this.#el.test, `held-out share: ${JSON.stringify(testText)} is not a number in [0, 0.5]`);
    this.#el.test.setAttribute('aria-invalid', 'false');
    if (!keys.includes('epochs') && cur.base.epochs > MAX_EPOCHS) {
      throw bad(this.#root.querySelector('#tune-values-epochs'), `epochs: the playground's epoch limit ${cur.base.epochs} is more than a search trains (1 to ${MAX_EPOCHS}): search epochs, or lower the limit`);
    }
    const metric = this.#el.metric.value;
    // What the table, the heatmap and the texts show: the parameters that take more than one value.
    const varied = keys.filter((k) => !Array.isArray(space[k]) || space[k].length > 1);
    const shown = varied.length ? varied : keys;
    return { mode: random ? 'random' : 'grid', space, keys, shown, count, folds, metric, seed, testFraction };
  }

  // -------------------------------------------------------------- running

  /** Checks the form and starts the search (it runs on; this returns once it has started). */
  async #start() {
    if (this.#run && !this.#run.ended) return;
    const plan = this.#plan(true);
    const cur = this.#hooks.current();
    const rows = this.#hooks.rows();
    const base = {};
    for (const p of PARAMS) if (!plan.keys.includes(p.key)) base[p.key] = cur.base[p.key];
    const options = {
      [plan.mode]: plan.mode === 'random' ? { draws: plan.count, ...plan.space } : plan.space,
      base,
      folds: plan.folds,
      seed: plan.seed,
      testFraction: plan.testFraction,
      curves: true,
      standardize: rows.standardize,
      scaleTarget: rows.scaleTarget,
    };
    if (plan.metric !== 'auto') options.metric = plan.metric;
    const data = { x: rows.x, y: rows.y, features: rows.features, outputs: rows.outputs, task: rows.task };
    if (rows.labels) {
      data.labels = rows.labels;
      data.classes = rows.classes;
    }
    this.#input = { data, options };
    if (!this.#pool) {
      const [{ TunePool }, { rankResults }] = await Promise.all([import('../lib/tune-pool.mjs'), import('../lib/descent-tune.mjs')]);
      this.#pool = new TunePool();
      this.#rank = rankResults;
    }
    const run = {
      plan, base, results: [], ranked: [], done: 0, total: plan.count, started: performance.now(), ended: null,
      cancelled: false, test: null, metric: plan.metric === 'auto' ? METRICS_FOR[cur.task][0] : plan.metric,
      rows: cur.rows, axes: null,
    };
    run.higherIsBetter = higherBetter(run.metric);
    this.#run = run;
    this.#selected = null;
    this.#chosen = false;
    this.#cursor = { x: 0, y: 0 };
    this.#axesChoice(plan.shown);
    this.#el.details.open = true;
    this.#clearCurves('Fold curves: choose a cell of the heatmap or a row of the table.');
    this.#buttons();
    this.#dirty = true;
    this.#schedule();
    this.#timer = setInterval(() => this.#writeStatus(), 200);
    this.#search(run, data, options);
  }

  async #search(run, data, options) {
    try {
      const out = await this.#pool.tune(data, options, {
        progressEvery: 1000,
        onProgress: (e) => {
          if (e.type !== 'config' || this.#run !== run) return;
          run.results[e.index] = e.result;
          run.done = e.done;
          run.total = e.total;
          run.ranked = this.#rank(run.results, run.metric);
          if (!this.#chosen) this.#selected = run.ranked[0].index;
          this.#dirty = true;
          this.#schedule();
        },
      });
      run.metric = out.metric;
      run.higherIsBetter = out.higherIsBetter;
      run.ranked = out.results;
      for (const r of out.results) run.results[r.index] = r;
      run.done = out.results.length;
      run.total = out.count === undefined ? run.total : out.count;
      run.cancelled = out.cancelled;
      run.test = out.test;
      run.trainRows = out.trainRows;
      run.testRows = out.testRows;
    } catch (e) {
      run.error = e && e.message ? e.message : String(e);
      this.#hooks.showError(`Tune: ${run.error.replace(/^(TunePool|search|crossValidate|refit|createSearch): /, '')}`);
    } finally {
      run.ended = performance.now();
      clearInterval(this.#timer);
      if (!this.#chosen && run.ranked.length) this.#selected = run.ranked[0].index;
      this.#buttons();
      this.#dirty = true;
      this.#schedule();
    }
  }

  /** Stops the search now; what finished stays. */
  cancel() {
    if (this.#run && !this.#run.ended && this.#pool) this.#pool.cancel();
  }

  async #useBest() {
    const run = this.#run;
    if (!run || !run.ranked.length) return;
    await this.#hooks.apply(run.ranked[0].config);
    this.refresh();
  }

  // -------------------------------------------------------------- drawing

  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      if (!this.#dirty) return;
      this.#dirty = false;
      this.#render();
    });
  }

  #render() {
    this.#writeStatus();
    const run = this.#run;
    this.#el.results.hidden = !run;
    if (!run) return;
    this.#writeTable();
    this.#drawHeatmap();
    if (this.#selected !== null && (!this.#curves || this.#curves.index !== this.#selected)) this.#showCurves(this.#selected);
    if (this.#curves) this.#curvesTitle();
  }

  #writeStatus() {
    const run = this.#run;
    const status = this.#el.status;
    const bar = this.#el.progress;
    if (!run) {
      status.textContent = 'No search yet.';
      bar.value = 0;
      return;
    }
    const ms = (run.ended || performance.now()) - run.started;
    bar.max = run.total;
    bar.value = run.done;
    const workers = this.#pool ? this.#pool.size : 0;
    let text;
    if (!run.ended) text = `${run.done} of ${run.total} configurations · ${seconds(ms)} · ${workers} worker${workers === 1 ? '' : 's'}`;
    else if (run.error) text = `stopped by an error after ${run.done} of ${run.total} configurations (${seconds(ms)})`;
    else if (run.cancelled) text = `cancelled after ${run.done} of ${run.total} configurations (${seconds(ms)}); the finished ones are below`;
    else text = `${run.total} configurations in ${seconds(ms)} · ${workers} worker${workers === 1 ? '' : 's'}`;
    if (run.ended && run.ranked.length) {
      const b = run.ranked[0];
      text += ` · best: ${this.#configText(b.config, run.plan.shown) || 'the playground\'s settings'}, ${LABELS.metric[run.metric]} ${fmt(b.mean)} ± ${fmt(b.std, 2)}`;
    }
    if (status.textContent !== text) status.textContent = text;
    const t = run.test;
    this.#el['test-score'].hidden = !t;
    if (t) {
      this.#el['test-score'].textContent = `The best, retrained on all ${t.trainRows} searched rows: ${LABELS.metric[run.metric]} ${fmt(t.score)}` +
        `${run.metric === 'loss' ? '' : `, loss ${fmt(t.loss)}`} on the ${t.testRows} held-out rows (${seconds(t.timeMs)}).`;
    }
  }

  #configText(c, keys) {
    return keys.map((k) => `${PARAM[k].short} ${valueText(k, c[k])}`).join(', ');
  }

  #writeTable() {
    writeTable(this.#el.table, this.#run, this.#selected);
  }

  /** The heatmap's axis choices: the searched parameters (the first two by default). */
  #axesChoice(keys) {
    for (const [id, pick, none] of [['x', 0, false], ['y', 1, true]]) {
      const sel = this.#el[id];
      sel.replaceChildren(...(none ? [new Option('(none)', '')] : []), ...keys.map((k) => new Option(PARAM[k].label, k)));
      sel.value = keys[pick] || '';
      sel.disabled = keys.length < (none ? 2 : 1);
    }
  }

  #drawHeatmap() {
    const run = this.#run;
    if (!run || !this.#el.details.open) return;
    const g = heatmapGrid(run, this.#el.x.value, this.#el.y.value);
    const { cells, lo, hi } = drawHeatmap(this.#el.heatmap, { run, g, cursor: this.#cursor, selected: this.#selected });
    this.#cells = cells;
    writeLegend(this.#el.legend, run, lo, hi);
    this.#el['map-title'].textContent = `Mean ${LABELS.metric[run.metric]} over the folds${run.plan.shown.length > (g.ya.name ? 2 : 1) ? ', the best over the other parameters' : ''}`;
  }

  #heatmapCell(cx, cy) {
    const cells = this.#cells;
    if (!cells) return;
    const r = cells.grid[cy] && cells.grid[cy][cx];
    this.#cursor = { x: cx, y: cy };
    if (r) this.#select(r.index);
    else this.#drawHeatmap();
  }

  #heatmapClick(e) {
    const cells = this.#cells;
    if (!cells) return;
    const box = this.#el.heatmap.getBoundingClientRect();
    const x = e.clientX - box.left - cells.rect.x;
    const y = e.clientY - box.top - cells.rect.y;
    if (x < 0 || y < 0 || x >= cells.rect.w || y >= cells.rect.h) return;
    this.#heatmapCell(Math.floor(x / cells.cw), Math.floor(y / cells.ch));
  }

  #heatmapKey(e) {
    const cells = this.#cells;
    if (!cells) return;
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (move) {
      e.preventDefault();
      this.#cursor.x = Math.min(cells.cols - 1, Math.max(0, this.#cursor.x + move[0]));
      this.#cursor.y = Math.min(cells.rows - 1, Math.max(0, this.#cursor.y + move[1]));
      this.#drawHeatmap();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      this.#heatmapCell(this.#cursor.x, this.#cursor.y);
    }
  }

  #select(index) {
    this.#selected = index;
    this.#chosen = true;
    this.#dirty = true;
    this.#schedule();
  }

  #clearCurves(text) {
    if (this.#curves) this.#curves.plot.destroy();
    this.#curves = null;
    this.#el['curves-title'].textContent = text;
    foldLegend(this.#el['curves-legend'], 0);
  }

  /** The training (solid) and validation (dashed) loss per epoch of each fold of configuration index. */
  #showCurves(index) {
    const run = this.#run;
    const r = run.results[index];
    const box = this.#el.curves;
    if (!r || !r.curves) return;
    if (this.#curves) this.#curves.plot.destroy();
    const { plot, series, epochs } = foldCurves(r.curves, curvesHeight, box);
    this.#curves = { index, plot, series, epochs };
    foldLegend(this.#el['curves-legend'], r.curves.loss.length);
    this.#curvesTitle();
  }

  /** Its rank changes as other configurations finish. */
  #curvesTitle() {
    const run = this.#run;
    const { index } = this.#curves;
    const r = run.results[index];
    const rank = run.ranked.findIndex((x) => x.index === index) + 1;
    const text = `Rank ${rank}: ${this.#configText(r.config, run.plan.shown) || 'the playground\'s settings'} · ` +
      `${Number.isFinite(r.mean) ? `${LABELS.metric[run.metric]} ${fmt(r.mean)} ± ${fmt(r.std, 2)}` : 'diverged'} · ` +
      `loss per epoch of each of its ${r.curves.loss.length} folds: training solid, validation dashed`;
    if (this.#el['curves-title'].textContent !== text) this.#el['curves-title'].textContent = text;
  }

  // -------------------------------------------------------------- for tests

  /** What the panel shows (plain data, read-only). */
  get state() {
    const run = this.#run;
    const cells = this.#cells;
    return {
      running: !!(run && !run.ended),
      poolSize: this.#pool ? this.#pool.size : 0,
      done: run ? run.done : 0,
      total: run ? run.total : 0,
      cancelled: !!(run && run.cancelled),
      error: run ? run.error || null : null,
      metric: run ? run.metric : null,
      higherIsBetter: run ? run.higherIsBetter : null,
      searched: run ? [...run.plan.keys] : [],
      results: run ? run.ranked.map((r) => ({ index: r.index, config: r.config, mean: r.mean, std: r.std, scores: [...r.scores], timeMs: r.timeMs })) : [],
      tableRows: this.#el.table.tBodies[0].rows.length,
      heatmap: cells && {
        x: this.#el.x.value, y: this.#el.y.value, columns: cells.xa.labels, rows: cells.ya.labels, drawn: cells.drawn,
        cells: cells.grid.map((row) => row.map((r) => (r ? { index: r.index, mean: r.mean } : null))),
        rect: cells.rect, cellWidth: cells.cw, cellHeight: cells.ch, lo: cells.lo, hi: cells.hi,
      },
      selected: this.#selected,
      curves: this.#curves && {
        index: this.#curves.index, series: this.#curves.series, epochs: this.#curves.epochs,
        legend: this.#el['curves-legend'].hidden ? [] : [...this.#el['curves-legend'].children].map((k) => k.textContent),
      },
      test: run ? run.test : null,
    };
  }

  /** The rows and options of the latest search, as plain arrays (to repeat it elsewhere). */
  input() {
    if (!this.#input) return null;
    const { data, options } = this.#input;
    const plain = {};
    for (const [k, v] of Object.entries(data)) plain[k] = ArrayBuffer.isView(v) ? Array.from(v) : v;
    return { data: plain, options: JSON.parse(JSON.stringify(options)) };
  }
}
