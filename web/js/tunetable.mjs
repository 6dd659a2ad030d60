// tunetable.mjs - the Tune panel's ranked table: one row per finished
// configuration, best first, with its searched values, mean ± standard
// deviation, each fold's score and its time; the rank is a button that shows
// the configuration's fold curves.

import { LABELS } from './labels.mjs';
import { PARAM, fmt, seconds, valueText } from './tuneparams.mjs';

/** Fills table (its tHead and first tBody) from run; the row of configuration `selected` is marked. */
export function writeTable(table, run, selected) {
  const keys = run.plan.shown;
  const folds = run.plan.folds;
  const head = document.createElement('tr');
  const th = (text, cls) => {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = text;
    if (cls) cell.className = cls;
    return cell;
  };
  head.append(th('rank'), ...keys.map((k) => th(PARAM[k].short)),
    th(`${LABELS.metric[run.metric]} (${run.higherIsBetter ? 'higher' : 'lower'} is better)`, 'num'),
    ...Array.from({ length: folds }, (_, i) => th(`fold ${i + 1}`, 'num')), th('time', 'num'));
  table.tHead.replaceChildren(head);
  const body = document.createDocumentFragment();
  run.ranked.forEach((r, i) => {
    const tr = document.createElement('tr');
    if (r.index === selected) tr.className = 'selected';
    const rank = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.dataset.index = String(r.index);
    button.textContent = String(i + 1);
    button.setAttribute('aria-label', `Rank ${i + 1}: show its fold curves`);
    rank.append(button);
    const td = (text, cls) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (cls) cell.className = cls;
      return cell;
    };
    const diverged = !Number.isFinite(r.mean);
    tr.append(rank, ...keys.map((k) => td(valueText(k, r.config[k]))),
      td(diverged ? 'diverged' : `${fmt(r.mean)} ± ${fmt(r.std, 2)}`, 'num'),
      ...r.scores.map((s) => td(fmt(s), 'num')), td(seconds(r.timeMs), 'num'));
    body.append(tr);
  });
  table.tBodies[0].replaceChildren(body);
}
