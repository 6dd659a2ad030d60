// worker-tune.mjs - hyper-parameter search in the worker: a search kept by
// id, its configurations cross-validated one per request (tune-pool.mjs runs
// one worker per core), refits and disposal.

import { ErrorCode, MessageType } from './protocol.mjs';
import { RequestError, addModel, boolOption, checkKeys, failed, needDescent, post, shown } from './worker-common.mjs';

let nextSearchId = 1;
/** id -> a descent Search (see descent.createSearch) */
const searches = new Map();

function searchOf(where, data) {
  needDescent();
  const search = searches.get(data.searchId);
  if (!search) throw new RequestError(ErrorCode.UNKNOWN_SEARCH, `${where}: unknown search id ${shown(data.searchId)}`);
  return search;
}

/** descent's 'createSearch: ...' and 'search.evaluate: ...' errors, named after the request. */
function renamedSearch(where, e) {
  if (e instanceof Error && !(e instanceof RequestError)) e.message = e.message.replace(/^(createSearch|search\.\w+):/, `${where}:`);
  return e;
}

export const tuneHandlers = {
  [MessageType.SEARCH](data) {
    const d = needDescent();
    checkKeys('search', data, ['data', 'options']);
    if (!d.tuning) throw failed("search: this worker loaded descent without tuning: send init with tune: true");
    let search;
    try {
      search = d.createSearch(data.data, data.options === undefined ? {} : data.options);
    } catch (e) {
      throw renamedSearch('search', e);
    }
    const searchId = nextSearchId++;
    searches.set(searchId, search);
    return { searchId, ...search.summary(), configs: search.configs() };
  },

  // Runs to the end in one go (a configuration is one synchronous wasm call);
  // progress messages go out as it runs. To stop one early, end the worker.
  [MessageType.CROSS_VALIDATE](data, id) {
    checkKeys('crossValidate', data, ['searchId', 'index', 'progressEvery']);
    const search = searchOf('crossValidate', data);
    const every = data.progressEvery === undefined ? 100 : data.progressEvery;
    if (typeof every !== 'number' || !(every >= 0)) throw failed('crossValidate: progressEvery must be a number of ms >= 0');
    let last = -Infinity;
    const onProgress = (p) => {
      if (p.type === 'epoch') {
        const now = performance.now();
        if (now - last < every) return;
        last = now;
      }
      post({ id, type: MessageType.PROGRESS, data: p });
    };
    try {
      return search.evaluate(data.index, { onProgress });
    } catch (e) {
      throw renamedSearch('crossValidate', e);
    }
  },

  [MessageType.REFIT](data) {
    checkKeys('refit', data, ['searchId', 'index', 'model']);
    const search = searchOf('refit', data);
    boolOption('refit', data, 'model');
    let test;
    try {
      test = search.refit(data.index, { model: data.model === true });
    } catch (e) {
      throw renamedSearch('refit', e);
    }
    if (!test.model) return test;
    const { model, ...rest } = test;
    return { ...rest, ...addModel(model) };
  },

  [MessageType.DISPOSE_SEARCH](data) {
    checkKeys('disposeSearch', data, ['searchId']);
    const search = searchOf('disposeSearch', data);
    searches.delete(data.searchId);
    search.dispose();
    return { searchId: data.searchId };
  },
};
