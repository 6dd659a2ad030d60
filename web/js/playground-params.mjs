// playground-params.mjs - whether a page's address is a TensorFlow
// Playground link, and its Playground keys if so: what the page asks of every
// address at start. What such a link means in descent (playground-link.mjs)
// loads only when the address is one. Pure functions (no DOM), tested in Node.

/** The keys a Playground link may carry (its State's properties). */
export const PLAYGROUND_KEYS = Object.freeze(['activation', 'regularization', 'batchSize', 'dataset', 'regDataset',
  'learningRate', 'regularizationRate', 'noise', 'networkShape', 'seed', 'showTestData', 'discretize', 'percTrainData',
  'x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'cosX', 'sinX', 'cosY', 'sinY', 'collectStats', 'tutorial', 'problem',
  'initZero', 'hideText']);

/** Keys only a Playground link has: one of them makes a query string a Playground link (noise and seed are descent's too). */
const OWN_KEYS = PLAYGROUND_KEYS.filter((k) => k !== 'noise' && k !== 'seed');

const MAX_PAIRS = 200;

/**
 * The Playground state in a location's hash or, failing that, its query
 * string: {params, ignored, source} with params the Playground's keys (and
 * its "<control>_hide" keys) as text, ignored the other keys of the hash; or
 * null when neither holds a key only the Playground uses.
 */
export function playgroundParams({ search = '', hash = '' } = {}) {
  for (const [source, text] of [['hash', hash], ['search', search]]) {
    const raw = String(text || '').replace(/^[#?]/, '');
    if (!raw) continue;
    const q = new URLSearchParams(raw);
    const params = {};
    const ignored = [];
    let pairs = 0;
    for (const [key, value] of q) {
      if (++pairs > MAX_PAIRS) break;
      if (PLAYGROUND_KEYS.includes(key) || /^[A-Za-z]{1,40}_hide$/.test(key)) params[key] = value;
      else if (source === 'hash' && !ignored.includes(key) && ignored.length < 10) ignored.push(key);
    }
    if (OWN_KEYS.some((k) => k in params)) return { params, ignored, source };
  }
  return null;
}
