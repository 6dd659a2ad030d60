// metrics.mjs - scores as the JavaScript API gives them: the core's
// classification and regression metrics of predictions (methods of a loaded
// descent: classificationMetrics, regressionMetrics), unpacked from the doubles of
// fields.h METRICS; model.metrics uses the same unpacking.

import { int, toMatrix, fail } from './checks.mjs';
import { V, unpackAt } from './core-vocabulary.mjs';

/** classificationMetrics' result from the packed metrics at out and the classes² confusion counts. */
export function classification(M, out, confusion, classes) {
  const v = unpackAt(M, V.fields.metrics, out);
  const c = M.HEAP32.slice(confusion >> 2, (confusion >> 2) + classes * classes);
  const matrix = [];
  for (let i = 0; i < classes; i++) matrix.push(Array.from(c.subarray(i * classes, (i + 1) * classes)));
  return { n: v.n, classes: v.classes, accuracy: v.accuracy, precision: v.precision, recall: v.recall, f1: v.f1, confusion: matrix };
}

/** regressionMetrics' result from the packed metrics at out. */
export function regression(M, out) {
  const { n, mse, rmse, mae, r2 } = unpackAt(M, V.fields.metrics, out);
  return { n, mse, rmse, mae, r2 };
}

/** Installed on Descent.prototype by descent.mjs. */
export const metricsMethods = {
  classificationMetrics(pred, y, outputs) {
    const where = 'classificationMetrics';
    const k = int(where, 'outputs', outputs, undefined, 1, V.limits.units);
    const p = toMatrix(where, 'pred', pred, k);
    const t = toMatrix(where, 'y', y, k);
    if (p.length !== t.length) throw fail(where, `pred has ${p.length / k} rows but y has ${t.length / k}`);
    const classes = Math.max(2, k);
    return this._scoped(where, (s, M) => {
      const confusion = s.alloc('the confusion matrix', classes, classes, 4);
      const out = s.alloc('the metrics', V.fields.metrics.size, 8);
      this._check(where, M._dj_metrics_classification(s.f32(p, 'pred'), s.f32(t, 'y'), p.length / k, k, confusion, out));
      return classification(M, out, confusion, classes);
    });
  },

  regressionMetrics(pred, y, outputs) {
    const where = 'regressionMetrics';
    const k = int(where, 'outputs', outputs, undefined, 1, V.limits.units);
    const p = toMatrix(where, 'pred', pred, k);
    const t = toMatrix(where, 'y', y, k);
    if (p.length !== t.length) throw fail(where, `pred has ${p.length / k} rows but y has ${t.length / k}`);
    return this._scoped(where, (s, M) => {
      const out = s.alloc('the metrics', V.fields.metrics.size, 8);
      this._check(where, M._dj_metrics_regression(s.f32(p, 'pred'), s.f32(t, 'y'), p.length / k, k, out));
      return regression(M, out);
    });
  },
};
