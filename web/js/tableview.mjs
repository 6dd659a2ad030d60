// tableview.mjs - the view of a table data set (more than two features,
// where the plane cannot show the model), loaded with the table's data views
// on first use (planeview.mjs asks for it once a table is chosen): the digits
// as images with their predicted labels, else the core's confusion matrix
// (classification) or predicted against actual (regression), of the test
// rows, or of the training rows when nothing is held out.

import { drawConfusion, drawDigits, drawScatter } from './dataviews.mjs';
import { argmax } from './run.mjs';
import { config, page, task } from './state.mjs';

/** The views of a table: digits as images, else a confusion matrix or predicted against actual. */
export function drawTable(canvas) {
  const { data, raw, predictions } = page;
  const k = data.outputs;
  // The test rows, or the training rows when nothing is held out.
  const useTest = data.nTest > 0;
  const rows = useTest ? data.nTest : data.nTrain;
  const p = predictions && (useTest ? predictions.test : predictions.train);
  if (task() === 'classification') {
    const classes = raw.classes;
    if (config.dataset === 'digits') {
      // Each image's predicted digit: the class of the largest of its ten outputs.
      const predicted = p ? Int32Array.from({ length: rows }, (_, i) => argmax(p, i * k, k)) : null;
      const labels = useTest ? data.labelsTest : data.labelsTrain;
      drawDigits(canvas, { images: useTest ? data.xTest : data.xTrain, labels, predicted, classNames: raw.classNames, limit: 48, wrongFirst: page.status !== 'running' });
      return;
    }
    // The core's confusion matrix of those rows (the worker's metrics, with the head's threshold).
    const scores = page.scores && (useTest ? page.scores.test : page.scores.train);
    const matrix = scores && scores.confusion && scores.confusion.length === classes
      ? scores.confusion : Array.from({ length: classes }, () => new Array(classes).fill(0));
    drawConfusion(canvas, { matrix, classNames: raw.classNames, rows: useTest ? 'test rows' : 'training rows' });
    return;
  }
  const n = data.nTrain + data.nTest;
  const actual = new Float32Array(n);
  const pred = new Float32Array(n).fill(NaN);
  const test = new Uint8Array(n);
  actual.set(data.yTrain, 0);
  actual.set(data.yTest, data.nTrain);
  test.fill(1, data.nTrain);
  if (predictions) {
    pred.set(predictions.train, 0);
    pred.set(predictions.test, data.nTrain);
  }
  drawScatter(canvas, { actual, predicted: pred, test, targetName: raw.targetName });
}
