// setcommand.mjs - a course page's set command (host.mjs), loaded the first
// time one comes (a chunk of its own: most pages are never sent one): the
// keys are checked to hold what the ready event's do, the configuration is
// read as a link would be, and the data and model made anew, or nothing
// changes and the course page is told why.

import { DEFAULTS } from './choices.mjs';
import { reload } from './datapanel.mjs';
import { OPTIMIZER_DEFAULTS } from './names.mjs';
import { decodeConfig, encodeConfig, quote } from './urlstate.mjs';
import { InputError, clone, config, locked } from './state.mjs';

/**
 * A course page's set command: config holds some of the configuration's keys
 * (as the ready event gives them). It is read as a link would be, and any
 * value the page cannot use refuses the whole command; else the data and the
 * model are made anew. Refused under lock.
 */
export async function setConfig(partial) {
  if (locked()) throw new InputError('set: this exercise is locked: its configuration cannot be changed');
  const unknown = Object.keys(partial).filter((k) => !(k in config));
  if (unknown.length) throw new InputError(`set: ${unknown.slice(0, 5).map(quote).join(', ')} not among ${Object.keys(config).join(', ')}`);
  if (config.dataset === 'csv' || partial.dataset === 'csv') throw new InputError('set: a CSV file is opened by the learner, not set');
  // each key holds what the ready event's does (a table's target: a name or null)
  const kind = (v) => (Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
  for (const [k, v] of Object.entries(partial)) {
    if (kind(v) !== kind(config[k]) && !(k === 'target' && (v === null || typeof v === 'string'))) throw new InputError(`set: ${k} must be ${kind(config[k])}, got ${kind(v)}`);
  }
  const merged = { ...clone(config), ...clone(partial) };
  if (partial.optimizer) {
    // a rate alone keeps the optimizer; another optimizer starts from its defaults, as a link's opt does
    const name = partial.optimizer.name ?? config.optimizer.name;
    merged.optimizer = { ...(name === config.optimizer.name ? config.optimizer : OPTIMIZER_DEFAULTS[name]), ...partial.optimizer, name };
  }
  let decoded;
  try {
    decoded = decodeConfig(encodeConfig(merged), DEFAULTS);
  } catch (e) {
    throw new InputError(`set: a value is not of the ready event's kind (${e.message})`);
  }
  if (decoded.errors.length) throw new InputError(`set: ${decoded.errors.map((e) => e.replace(/^URL parameter /, '').replace(/; using .*/, '')).join('; ')}`);
  const before = clone(config);
  Object.assign(config, decoded.config);
  await reload(before);
}

