// host.mjs - the page that embeds this one (a course page): the events it is
// sent and the commands it may send. No DOM beyond the two windows given, so
// it is tested in Node.
//
// Events, each {source: 'descent', type, ...}:
//   ready     once the first model is built: {config}
//   progress  a few times a second while training, and at every stop: {epoch, values}
//   goal      the first epoch at which a goal holds: {goal, epoch, value, values}
//   done      training ended (epoch limit, early stopping, divergence, stop): {reason, epoch, values}
//   error     a command refused (the lock, a value the page cannot use): {command, message}
// values: {loss, test_loss, accuracy, test_accuracy, r2, test_r2} of that
// epoch (null where the task or the data has none).
//
// With origin=<the host's origin> events go to that origin only, and commands
// {target: 'descent', type: 'command', command, config?} are accepted from it
// (from the parent window, nowhere else). Without origin events go to any
// origin, as they say nothing a learner could not see, and no command is
// accepted: a page that may drive the exercise must be named.

/** The commands a host may send. */
export const COMMANDS = ['play', 'pause', 'step', 'reset', 'set'];
/** Why a run ended, as `done` says it. */
export const DONE_REASONS = ['epochs', 'early-stopped', 'diverged', 'stopped'];
/** The values every event carries, in this order. */
export const VALUE_NAMES = ['loss', 'test_loss', 'accuracy', 'test_accuracy', 'r2', 'test_r2'];
/** Least time between two progress events while training, in ms (a few a second). */
export const PROGRESS_MS = 250;

/**
 * The origin a host named in origin=, or an error message. Only an origin as
 * a browser writes it (scheme, host, optional port; no path, no slash) is
 * accepted, since it is compared with event.origin character for character.
 */
export function parseOrigin(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(String(text).slice(0, 80))} is not an origin (e.g. https://course.example.org)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the origin must be http: or https:, got ${url.protocol}`;
  if (url.origin !== text) return `${JSON.stringify(text.slice(0, 80))} is not an origin as a browser writes it (${url.origin})`;
  return { origin: url.origin };
}

/** values with every name present: a number or null. */
export function eventValues(values = {}) {
  const out = {};
  for (const k of VALUE_NAMES) {
    const v = values[k];
    out[k] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}

/**
 * A command from a message's data, or null if it is not one: {command,
 * config} with config a plain object (for 'set') or undefined.
 */
export function readCommand(data) {
  if (data === null || typeof data !== 'object' || data.target !== 'descent' || data.type !== 'command') return null;
  if (!COMMANDS.includes(data.command)) return null;
  if (data.command === 'set') {
    const c = data.config;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return null;
    return { command: 'set', config: c };
  }
  return { command: data.command };
}

/**
 * The channel to the host: host.ready(config), host.progress(epoch, values,
 * final), host.goal(...), host.done(...), host.listen(onCommand).
 * self: this page's window; parent: the embedding window (self when not embedded).
 */
export class Host {
  #self;
  #parent;
  #origin;
  #now;
  #lastProgress = -Infinity;
  #pending = null;
  #timer = null;
  #readySent = false;

  constructor({ self, parent, origin = null, now = () => performance.now() }) {
    this.#self = self;
    this.#parent = parent;
    this.#origin = origin;
    this.#now = now;
  }

  /** Whether there is a host to talk to. */
  get embedded() {
    return !!this.#parent && this.#parent !== this.#self;
  }

  /** The origin events go to and commands come from, or null (events to any origin, no commands). */
  get origin() {
    return this.#origin;
  }

  #post(type, data) {
    if (!this.embedded) return;
    this.#parent.postMessage({ source: 'descent', type, ...data }, this.#origin || '*');
  }

  /** Once, when the first model is built. */
  ready(config) {
    if (this.#readySent) return;
    this.#readySent = true;
    this.#post('ready', { config });
  }

  /**
   * The latest epoch's values: sent at most every PROGRESS_MS while training
   * (the last one held back is sent when the interval is up), and at once when
   * final (a stop, a pause, the end).
   */
  progress(epoch, values, final = false) {
    const message = { epoch, values: eventValues(values) };
    const now = this.#now();
    if (final || now - this.#lastProgress >= PROGRESS_MS) {
      this.#flush(message, now);
      return;
    }
    this.#pending = message;
    if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        if (this.#pending) this.#flush(this.#pending, this.#now());
      }, Math.max(0, PROGRESS_MS - (now - this.#lastProgress)));
    }
  }

  #flush(message, now) {
    this.#pending = null;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#lastProgress = now;
    this.#post('progress', message);
  }

  goal(goal, epoch, values) {
    const v = eventValues(values);
    this.#post('goal', { goal: goal.text, epoch, value: goal.metric === 'epoch' ? epoch : v[goal.metric], values: v });
  }

  /** Training ended: reason one of DONE_REASONS. The last progress is sent first. */
  done(reason, epoch, values) {
    this.progress(epoch, values, true);
    this.#post('done', { reason, epoch, values: eventValues(values) });
  }

  /** A command the page could not carry out, and why. */
  refused(command, message) {
    this.#post('error', { command, message });
  }

  /**
   * Calls onCommand({command, config}) for each command from the named origin
   * and the parent window; every other message is ignored. Returns a function
   * that stops listening. Without an origin nothing is accepted.
   */
  listen(onCommand) {
    if (!this.#origin || !this.embedded) return () => {};
    const handler = (event) => {
      if (event.origin !== this.#origin || event.source !== this.#parent) return;
      const command = readCommand(event.data);
      if (command) onCommand(command);
    };
    this.#self.addEventListener('message', handler);
    return () => this.#self.removeEventListener('message', handler);
  }
}

/**
 * Goals checked on each epoch's values as the worker reports them, so that a
 * goal fires at the first epoch where it holds, whether or not a frame is
 * drawn. met(goal, values) is the test (urlstate's goalMet).
 */
export class GoalWatch {
  #goals;
  #met;
  #reached = new Set();

  constructor(goals, met) {
    this.#goals = goals;
    this.#met = met;
  }

  /** The goals that hold first at this epoch: [{goal, epoch}]. */
  check(epoch, values) {
    const fired = [];
    for (const goal of this.#goals) {
      if (this.#reached.has(goal.text)) continue;
      if (!this.#met(goal, { ...values, epoch })) continue;
      this.#reached.add(goal.text);
      fired.push(goal);
    }
    return fired;
  }

  /** Forget what was reached (a reset). */
  reset() {
    this.#reached.clear();
  }

  get reached() {
    return [...this.#reached];
  }
}
