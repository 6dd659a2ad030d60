// names.mjs - the core's vocabulary as the page uses it: every name list,
// default and limit it offers or checks comes from lib/vocabulary.mjs, which
// the build writes from descent.wasm (scripts/make-vocabulary.mjs), so the
// page cannot drift from the core. What is the page's own (its smaller caps
// for a layer's units and a batch, its data sets and 2-D features, the
// display labels in labels.mjs) is said so where it is defined.

import { higherIsBetter, limits, optimizers, vocabularies } from '../lib/vocabulary.mjs';

/** The hidden layers' activations: the core's, but softmax, which only an output layer has. */
export const ACTIVATION_NAMES = Object.freeze(vocabularies.activation.filter((a) => a !== 'softmax'));
/** Every activation, for captions (outputs may be softmax). */
export const ALL_ACTIVATIONS = vocabularies.activation;
/** The output heads (activation and loss) a link may name; 'auto' lets the task choose. */
export const OUTPUT_KEYS = vocabularies.output;
export const INIT_NAMES = vocabularies.initializer;
export const OPTIMIZER_NAMES = vocabularies.optimizer;
export const LOSS_NAMES = vocabularies.loss;
/** What a generated set's features are fed to the network as (descent_input_scale). */
export const INPUT_SCALES = vocabularies.inputScale;
/** A table's task choices ('auto': as the target column reads). */
export const TASK_NAMES = vocabularies.task;
/** The built-in generators (descent_generator). */
export const GENERATOR_NAMES = vocabularies.generator;
/** The metrics a search ranks by. */
export const METRIC_NAMES = vocabularies.metric;
/** Whether a higher value of metric is the better one (the core's list). */
export const higherBetter = (metric) => higherIsBetter.includes(metric);

/** Each optimizer's learning rate and own hyper-parameters at the core's defaults. */
export const OPTIMIZER_DEFAULTS = Object.freeze(Object.fromEntries(OPTIMIZER_NAMES.map((name) => {
  const { defaults, uses } = optimizers[name];
  return [name, Object.freeze(Object.fromEntries(uses.map((k) => [k, defaults[k]])))];
})));

/**
 * The limits the page checks: the core's (hidden layers, epochs, seeds), and
 * the page's own smaller caps, which keep a drawing and a link readable
 * (units per layer, batch size).
 */
export const LIMITS = Object.freeze({
  layers: limits.hidden,
  epochs: limits.epochs,
  seed: limits.seed,
  units: Math.min(256, limits.units),   // the page's cap: a diagram column and a link stay readable
  batch: Math.min(100000, limits.batch), // the page's cap
});
