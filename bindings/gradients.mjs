// gradients.mjs - model.gradientStats, the gradient inspector
// (core/descent_explore.h): a method of the Descent instance, in the core
// module because it reads the live model (the worker's, between a training
// run's slices). The explorers that build their own models (explore.mjs) are
// loaded on first use and run in the tuning twin.

import { modelRows } from './checks.mjs';
import { V, unpack } from './core-vocabulary.mjs';

/** NaN (the core's "not defined here") as null. */
const orNull = (v) => (Number.isNaN(v) ? null : v);

export const gradientMethods = {
  _gradientStats(model, x, y) {
    const where = 'gradientStats';
    const p = this._modelPointer(where, model);
    const [xs, ys, n] = modelRows(where, model, x, y);
    const table = V.fields.stats;
    const layers = model.layers.length;
    return this._scoped(where, (s, M) => {
      const out = s.alloc('the statistics', layers, table.size, 8);
      this._check(where, M._dj_model_gradient_stats(p, s.f32(xs, 'x'), s.f32(ys, 'y'), n, out, 0));
      const all = M.HEAPF64.slice(out >> 3, (out >> 3) + layers * table.size);
      return Array.from({ length: layers }, (_, l) => {
        const f = unpack(table, all.subarray(l * table.size));
        return {
          layer: l, kernelGradNorm: f.kernel_grad_norm, biasGradNorm: orNull(f.bias_grad_norm), kernelNorm: f.kernel_norm,
          updateRatio: orNull(f.update_ratio), deadShare: orNull(f.dead_share),
        };
      });
    });
  },
};
