// tablelink.mjs - a link's table settings, read (tables.mjs loads it with
// the tables, so only a table link pays for it; no DOM, so it is tested in
// Node with urlstate.mjs).

import { quote } from './urlstate.mjs';

/**
 * A table's target column and task from a link, checked the only way they
 * can be: by reading the table. load(target, task) reads it, throwing
 * errors that isRefusal tells apart from failures. If the link's pair is
 * refused, the task, then the target, then both fall back to their defaults
 * (target null: the last column; task 'auto') until the table reads.
 * Resolves with {target, task, notices}: each value given up named, with why
 * and used(key), what the page uses instead (asked once the table has read).
 * If even the defaults are refused, the first refusal is thrown.
 */
export async function readTableFromLink(asked, load, { isRefusal = () => true, used = () => 'its default' } = {}) {
  let refused;
  try {
    await load(asked.target, asked.task);
    return { ...asked, notices: [] };
  } catch (e) {
    if (!isRefusal(e) || (asked.target === null && asked.task === 'auto')) throw e;
    refused = e;
  }
  const targets = asked.target === null ? [null] : [asked.target, null];
  const tasks = asked.task === 'auto' ? ['auto'] : [asked.task, 'auto'];
  for (const target of targets) {
    for (const task of tasks) {
      if (target === asked.target && task === asked.task) continue;
      try {
        await load(target, task);
      } catch (e) {
        if (isRefusal(e)) continue;
        throw e;
      }
      const notices = [];
      const why = refused.message;
      if (target !== asked.target) notices.push(`URL parameter target: ${quote(asked.target)}: ${why}; using the default: ${used('target')}`);
      if (task !== asked.task) notices.push(`URL parameter task: ${quote(asked.task)}: ${why}; using the default: ${used('task')}`);
      return { target, task, notices };
    }
  }
  throw refused;
}
