// labels.mjs - what the page calls each thing the core names: activations,
// optimizers, initializers, losses, metrics, the optimizers' settings and the
// 2-D input features, in one table. The names themselves (and which exist)
// are the core's; this file only gives them their words on the page.

export const LABELS = Object.freeze({
  activation: { relu: 'ReLU', leaky_relu: 'leaky ReLU', tanh: 'tanh', sigmoid: 'sigmoid', linear: 'linear', softmax: 'softmax' },
  /** Short names for the diagram's captions in narrow columns. */
  activationShort: { relu: 'relu', leaky_relu: 'leaky', tanh: 'tanh', sigmoid: 'sigm', linear: 'lin', softmax: 'smax' },
  optimizer: { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov momentum', adagrad: 'AdaGrad', rmsprop: 'RMSprop', adam: 'Adam' },
  initializer: {
    glorot_uniform: 'Glorot uniform (Keras default)', glorot_normal: 'Glorot normal', he_uniform: 'He uniform',
    he_normal: 'He normal', uniform: 'Uniform(−0.05, 0.05)', zeros: 'Zeros',
  },
  loss: { binary_crossentropy: 'binary cross-entropy', mse: 'mean squared error', categorical_crossentropy: 'categorical cross-entropy' },
  metric: { loss: 'loss', accuracy: 'accuracy', f1: 'F1', r2: 'R²', rmse: 'RMSE' },
  /** The optimizers' own settings. */
  setting: {
    momentum: 'momentum', rho: 'rho (decay)', epsilon: 'epsilon', centered: 'centered', beta1: 'beta 1', beta2: 'beta 2',
    initialAccumulatorValue: 'initial accumulator',
  },
  feature: { x1: 'x₁', x2: 'x₂', x1sq: 'x₁²', x2sq: 'x₂²', x1x2: 'x₁·x₂', sin1: 'sin x₁', sin2: 'sin x₂' },
});

/** The label of name in a table of LABELS; the name itself when it has none. */
export const label = (table, name) => LABELS[table][name] ?? name;

/** [name, label] pairs for a list of names (a select's options, a search's choices). */
export const labelled = (table, names) => names.map((n) => [n, label(table, n)]);
