// worker-explore.mjs - the worker's requests for the explorers of gradient
// descent (gradients.mjs, explore.mjs): each one wasm call (the explorers
// that build their own models in the worker's tuning twin, loaded on the
// first), or, for the race, one per optimizer with a progress message after
// each, so the page stays responsive and can draw each curve as it arrives.

import { MessageType } from './protocol.mjs';
import { checkKeys, entryOf, needDescent, post } from './worker-common.mjs';

export const exploreHandlers = {
  [MessageType.GRADIENT_STATS](data) {
    checkKeys('gradientStats', data, ['modelId', 'x', 'y']);
    const entry = entryOf('gradientStats', data);
    return { modelId: entry.id, stepCount: entry.model.stepCount, layers: entry.model.gradientStats(data.x, data.y) };
  },

  async [MessageType.FIND_LEARNING_RATE](data) {
    checkKeys('findLearningRate', data, ['config', 'x', 'y', 'options']);
    return needDescent().findLearningRate(data.x, data.y, data.config, data.options);
  },

  // progress: {index, count, result} as each optimizer finishes, the result as
  // compareOptimizers gives it (path of Float32Arrays, transferred).
  async [MessageType.COMPARE_OPTIMIZERS](data, id) {
    checkKeys('compareOptimizers', data, ['config', 'x', 'y', 'options']);
    const d = needDescent();
    const options = data.options === undefined ? {} : data.options;
    const list = options.optimizers === undefined ? [...d.vocabulary.vocabularies.optimizer] : options.optimizers;
    if (!Array.isArray(list)) return d.compareOptimizers(data.x, data.y, data.config, options); // its error names it
    let race = null;
    for (const [index, optimizer] of list.entries()) {
      const lane = await d.compareOptimizers(data.x, data.y, data.config, { ...options, optimizers: [optimizer] });
      if (!race) race = { initialLoss: lane.initialLoss, paramCount: lane.paramCount, results: [] };
      // the progress message transfers its arrays: the final reply keeps copies
      race.results.push({ ...lane.results[0], path: lane.results[0].path.map((p) => p.slice()) });
      post({ id, type: MessageType.PROGRESS, data: { index, count: list.length, result: lane.results[0] } });
    }
    return race ?? d.compareOptimizers(data.x, data.y, data.config, options);
  },

  async [MessageType.LOSS_SURFACE](data) {
    checkKeys('lossSurface', data, ['modelId', 'x', 'y', 'options']);
    const entry = entryOf('lossSurface', data);
    return needDescent().lossSurface(entry.model, data.x, data.y, data.options);
  },
};
