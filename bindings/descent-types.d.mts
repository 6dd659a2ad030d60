// descent-types.d.mts - the types of descent's JavaScript API, its worker protocol
// and tuning: types only. The values each module exports are declared in the
// .d.mts beside it (descent.d.mts, client.d.mts, tune-pool.d.mts,
// task.d.mts, vocabulary.d.mts), which re-export these types;
// tests/js/package.test.mjs checks each against the module's real exports.

/** Anything accepted where a matrix is expected: a flat Float32Array (row-major),
 *  any numeric array-like, or an array of rows. */
export type Matrix = Float32Array | Float64Array | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

export type Activation = 'linear' | 'relu' | 'leaky_relu' | 'sigmoid' | 'tanh' | 'softmax';
export type Initializer = 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'uniform' | 'zeros' | 'playground';
export type LossName = 'mse' | 'binary_crossentropy' | 'categorical_crossentropy';
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';
export type GeneratorName =
  | 'circle' | 'xor' | 'gaussian' | 'spiral' | 'plane' | 'multigauss' | 'linear4' | 'line' | 'curve';
export type Task = 'auto' | 'classification' | 'regression';
/** A named output head (activation and loss) of the task recipe; 'auto' picks the task's default. */
export type OutputName = 'auto' | 'sigmoid-bce' | 'sigmoid-mse' | 'tanh-mse' | 'linear-mse' | 'softmax-cce';
export type InputScale = 'none' | 'unit' | 'standardize';

/** The core's vocabulary and limits (descent.vocabulary; the build's vocabulary.mjs holds the same, plus what
 *  only a page needs: see VocabularyModule). Frozen, all the way down. */
export interface Vocabulary {
  /** every name list in the core's order: activation, initializer, loss, optimizer,
   *  optimizerParameter, task, output, generator, parameter (tuning), metric, limit, inputScale */
  vocabularies: {
    activation: Activation[];
    initializer: Initializer[];
    loss: LossName[];
    optimizer: OptimizerName[];
    optimizerParameter: string[];
    task: Task[];
    output: OutputName[];
    generator: GeneratorName[];
    parameter: string[];
    metric: TuneMetric[];
    limit: string[];
    inputScale: InputScale[];
  };
  /** units, layers, params, steps, epochs, batch, rows, columns, generate, classes, autoClasses,
   *  hidden, folds, configs, seed, surfaceResolution, bytes (the most one allocation may hold) */
  limits: Record<string, number>;
  /** each optimizer's defaults (and in vocabulary.mjs the parameters it uses) */
  optimizers: Record<OptimizerName, { defaults: FullOptimizerConfig; uses?: string[] }>;
  /** vocabulary.mjs only: each optimizer parameter's allowed range, as the core's messages say it */
  optimizerRanges?: Record<string, string>;
  /** vocabulary.mjs only: the tuning metrics where higher is better */
  higherIsBetter?: TuneMetric[];
  /** the layout of each struct that crosses the JS/wasm boundary as doubles: field -> index, and size */
  fields: Record<string, { at: Record<string, number>; size: number }>;
}

/**
 * vocabulary.mjs (the package's './vocabulary'; scripts/make-vocabulary.mjs
 * writes it at build): descent.vocabulary without loading WebAssembly, each
 * part also a named export, and what only a page needs: the parameters each
 * optimizer uses, their ranges, and the metrics where higher is better.
 */
export interface VocabularyModule extends Vocabulary {
  optimizers: Record<OptimizerName, { defaults: FullOptimizerConfig; uses: string[] }>;
  optimizerRanges: Record<string, string>;
  higherIsBetter: TuneMetric[];
}

/** An output head as the task recipe chooses it (task.mjs). */
export interface Head {
  task: 'classification' | 'regression';
  /** 0 for regression */
  classes: number;
  units: number;
  activation: Activation;
  loss: LossName;
  /** two classes trained as -1 / +1 */
  signedLabels: boolean;
  low: number;
  high: number;
  /** two classes: an output >= threshold is class 1; NaN otherwise */
  threshold: number;
}

/** The core's task recipe for a loaded descent: taskRecipe(descent) from task.mjs. */
export interface TaskRecipe {
  detect(requested: Task, column?: { text?: boolean; allInteger?: boolean; distinct?: number }): 'classification' | 'regression';
  generator(name: GeneratorName): { task: 'classification' | 'regression'; features: number };
  /** the outputs that suit the task, 'auto' first */
  outputs(task: Task, classes?: number): OutputName[];
  resolveOutput(output: OutputName, task: Task, classes?: number): OutputName;
  chooseHead(options: { task?: Task; classes?: number; outputs?: number; output?: OutputName; activation?: Activation; loss?: LossName }): Head;
  headOf(model: Model): Head;
  /** class indices as targets: labels.length × head.units */
  encode(head: Head, labels: ArrayLike<number>): Float32Array;
  /** predictions (rows × head.units) as class indices */
  decode(head: Head, pred: Matrix): Int32Array;
  /** two classes: outputs as probabilities of class 1 */
  probability(head: Head, outputs: Matrix): Float32Array;
  /** '16,16', '16x16', 'none', '16:relu,8:tanh' */
  parseHidden(text: string): { units: number[]; activations: Array<Activation | null> };
  formatHidden(units: number[], activations?: Activation[] | null): string;
  /** a numeric class's name as the CSV reader gives it */
  className(value: number, previous?: string | null): string;
}


export interface LoadOptions {
  /** 'auto' (default) picks the SIMD build when the runtime validates WebAssembly SIMD. */
  simd?: 'auto' | boolean;
  /** Where descent.wasm / descent-scalar.wasm are; default: beside descent.mjs. */
  baseUrl?: string | URL;
  /** The .wasm bytes to use instead of loading them (of the build that tune selects). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /**
   * The bytes of the core build's deferred part (descent.deferred.wasm or
   * descent-scalar.deferred.wasm), loaded the first time one of its functions
   * runs; without them it is read from baseUrl (default: beside descent.mjs).
   * Not with tune: true (the tuning build is one file).
   */
  deferredBinary?: ArrayBuffer | Uint8Array;
  /**
   * true loads the build with hyper-parameter search (descent-tune.wasm and
   * descent-tune.mjs) so that tune, createSearch and crossValidate work;
   * default false: the smaller core build, where they throw.
   */
  tune?: boolean;
}

export interface LayerConfig {
  units: number;
  /** default 'linear' */
  activation?: Activation;
  /** leaky_relu slope below 0, >= 0; default 0.2 */
  alpha?: number;
  /** kernel penalties, >= 0; default 0 */
  l1?: number;
  l2?: number;
  /** kernel initializer; default the model's init */
  init?: Initializer;
  /** a for init 'uniform': U(-a, a); default 0.05 */
  initLimit?: number;
  /** default true */
  useBias?: boolean;
}

export interface OptimizerConfig {
  name: OptimizerName;
  learningRate?: number;
  /** momentum, nesterov, rmsprop */
  momentum?: number;
  /** with name 'momentum': the same as name 'nesterov' */
  useNesterov?: boolean;
  /** rmsprop decay */
  rho?: number;
  /** rmsprop, adam */
  epsilon?: number;
  centered?: boolean;
  beta1?: number;
  beta2?: number;
  /** adagrad */
  initialAccumulatorValue?: number;
}

/** Every field filled in, as a model reports it. */
export interface FullOptimizerConfig extends Required<Omit<OptimizerConfig, 'useNesterov'>> {}

export interface ModelConfig {
  inputs: number;
  layers: LayerConfig[];
  /** default 'mse' */
  loss?: LossName;
  /** a name for that optimizer's defaults, or a config; default 'adam' */
  optimizer?: OptimizerName | OptimizerConfig;
  /** default kernel initializer for every layer; default 'glorot_uniform' */
  init?: Initializer;
  /** 0..2^32-1; default 0 */
  seed?: number;
}

export interface Weights {
  /** [inputs][units] row-major, the Keras layout */
  kernel: Float32Array;
  /** [units]; null for a layer with useBias: false */
  bias: Float32Array | null;
}

export interface Scaler {
  mean: Float32Array;
  std: Float32Array;
}

export interface EpochLogs {
  loss: number;
  val_loss?: number;
  acc?: number;
  val_acc?: number;
}

export interface EarlyStoppingConfig {
  /** epochs without improvement before stopping, 0..limits.epochs (1000000); 0 never stops (as earlyStopping: false) */
  patience: number;
  /** default 0 */
  minDelta?: number;
  /** default false */
  restoreBestWeights?: boolean;
}

export interface FitOptions {
  /** default 1 */
  epochs?: number;
  /** 1 .. n; default 32 */
  batchSize?: number;
  /** default true */
  shuffle?: boolean;
  /** nonzero: restart the model's shuffle stream from this seed */
  seed?: number;
  /** [0, 1): the last fraction of rows, as Keras */
  validationSplit?: number;
  validationData?: [Matrix, Matrix];
  earlyStopping?: EarlyStoppingConfig | false;
  /** return false (or set model.stopTraining = true) to stop after this epoch */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => boolean | void;
  /** return false (or set model.stopTraining = true) to stop after this batch */
  onBatchEnd?: (batch: number, logs: { loss: number; epoch: number }) => boolean | void;
}

export interface History {
  epoch: number[];
  history: { loss: number[]; val_loss?: number[]; acc?: number[]; val_acc?: number[] };
  /** 'completed' | 'early-stopped' | 'cancelled'; 'diverged' only in a DivergenceError's history */
  stopped: 'completed' | 'early-stopped' | 'cancelled' | 'diverged';
  /** 0-based epoch of the best monitored loss, -1 if none */
  bestEpoch: number;
  steps: number;
}

/** Where a run diverged, and where its model was rolled back to. */
export interface Divergence {
  /** 0-based epoch and batch whose loss (or update) was not finite */
  epoch: number;
  batch: number;
  /** the epochs of this run the model was rolled back to: its weights and optimizer state at their end (0: as the run started) */
  restoredEpochs: number;
}

/**
 * What fit and trainer.run throw when the loss (or an update) stops being
 * finite: the model is rolled back (see Divergence), so a lower learning rate
 * trains on from there. The message says where and suggests a rate.
 */
export interface DivergenceError extends Error {
  /** the finished epochs, in the shape fit returns, with stopped: 'diverged' */
  history: History;
  divergence: Divergence;
}

export interface Names {
  featureNames?: string[] | null;
  targetName?: string | null;
  classNames?: string[] | null;
}

/**
 * What descent keeps beside an exported model (TF.js: userDefinedMetadata.descent;
 * ONNX: metadata_props "descent", as JSON). The scalers are already folded into
 * the weights; the recipe lets fromTfjs take them back out.
 */
export interface InteropRecipe {
  format: 'descent-interop 1';
  task: 'classification' | 'regression';
  loss: LossName;
  inputScaler: { mean: number[]; std: number[] } | null;
  targetScaler: { mean: number[]; std: number[] } | null;
  classNames: string[] | null;
  featureNames: string[] | null;
  targetName: string | null;
  /** layers that got a bias only to hold a folded scaler */
  addedBias: number[];
}

/** One weight of TF.js's weightSpecs / a weightsManifest group. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype?: 'float32';
}

/**
 * TF.js ModelArtifacts as toTfjs gives them (tf.io.fromMemory takes them as
 * they are) and fromTfjs takes them: a Keras Sequential's topology, the
 * weights' specs and their float32 bytes in that order.
 */
export interface TfjsArtifacts {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightSpecs?: TfjsWeightSpec[];
  /** model.json's manifest, when weightSpecs is absent */
  weightsManifest?: Array<{ paths: string[]; weights: TfjsWeightSpec[] }>;
  weightData: ArrayBuffer | ArrayBuffer[] | Uint8Array;
  userDefinedMetadata?: { descent?: InteropRecipe } & Record<string, unknown>;
}

/** model.gradientStats: one layer's sizes (L2 norms) on the rows given */
export interface LayerGradientStats {
  layer: number;
  /** of the gradient of evaluate's loss (the mean data loss; penalties left out, as evaluate leaves them) */
  kernelGradNorm: number;
  /** null for a layer without bias */
  biasGradNorm: number | null;
  kernelNorm: number;
  /** |last update of the kernel| / |kernel|; null before any step since creation, load, clone or optimizer reset */
  updateRatio: number | null;
  /** relu layers: the share of units that output 0 on every row; null for other activations */
  deadShare: number | null;
}

export interface LearningRateTestOptions {
  /** the first rate (default 1e-7) */
  min?: number;
  /** the last rate (default 10) */
  max?: number;
  /** optimizer steps, one batch each, the rate growing geometrically (default 100) */
  steps?: number;
  /** the fresh model's seed (default: config.seed) */
  seed?: number;
  /** default min(32, rows) */
  batchSize?: number;
  /** β of the bias-corrected exponential moving average of the loss (default 0.98) */
  smoothing?: number;
  /** stop once the smoothed loss is over this many times its lowest (default 4) */
  explode?: number;
}

export interface LearningRateTest {
  /** the rate of each step taken */
  rates: number[];
  /** the smoothed training loss after each step */
  losses: number[];
  /** each step's training loss (its batch, before the update) */
  rawLosses: number[];
  /** rates[i] for the steepest fall, losses[i + 1] - losses[i] lowest; null with fewer than 2 steps */
  suggested: number | null;
  /** the loss exploded before max */
  stoppedEarly: boolean;
}

export interface RaceOptions {
  /** default all six, each with its defaults */
  optimizers?: Array<OptimizerName | OptimizerConfig>;
  /** default 10 */
  epochs?: number;
  /** default 32 */
  batchSize?: number;
  /** the model's seed, so its initial weights and batch order (default: config.seed) */
  seed?: number;
}

export interface RaceLane {
  optimizer: OptimizerName;
  learningRate: number;
  /** training loss per epoch, as fit's history.loss */
  history: number[];
  /** the weights at the start and after each epoch: paramCount floats each, getWeights()' arrays concatenated */
  path: Float32Array[];
  finalLoss: number | null;
  /** the run stopped on a non-finite loss (history and path end there) */
  diverged: boolean;
}

export interface Race {
  /** the training loss (data loss plus penalties) of the common start */
  initialLoss: number;
  paramCount: number;
  results: RaceLane[];
}

export interface SurfaceOptions {
  /** 'random': filter-normalized (Li et al. 2018), biases fixed; 'pca': the path's first two principal components */
  directions?: 'random' | 'pca';
  /** points in weight space (a race's path, or getWeights() arrays), projected onto the plane */
  path?: Array<Float32Array | number[] | Weights[]>;
  /** r for [-r, r] on both axes, or [min, max]; default [-1, 1], or the path's extent with a margin */
  range?: number | [number, number];
  /** grid points per axis, 2..1024 (default 32) */
  resolution?: number;
  seed?: number;
}

export interface LossSurface {
  /** getWeights() layout */
  directions: [Weights[], Weights[]];
  alphas: number[];
  betas: number[];
  /** loss[j][i]: evaluate's loss at theta + alphas[i]·d1 + betas[j]·d2 */
  loss: Float32Array[];
  /** [alpha, beta] of each path point; null without a path */
  pathProjection: Array<[number, number]> | null;
  /** 'pca': the two components' shares of the path's variance */
  variance: [number, number] | null;
}

export interface Model {
  readonly inputs: number;
  readonly outputs: number;
  readonly layers: Required<LayerConfig>[];
  readonly loss: LossName;
  readonly seed: number;
  readonly paramCount: number;
  /** optimizer updates since creation or the last reset */
  readonly stepCount: number;
  readonly disposed: boolean;
  /** set true inside a fit callback to stop training */
  stopTraining: boolean;

  getWeights(): Weights[];
  /** one entry per layer; wrong lengths throw */
  setWeights(weights: Array<{ kernel: Matrix; bias?: Matrix | null }>): void;
  /** the batch's loss before the update, as Keras's trainOnBatch */
  trainOnBatch(x: Matrix, y: Matrix): number;
  /** throws a DivergenceError (with .history) when the loss stops being finite */
  fit(x: Matrix, y: Matrix, options?: FitOptions): History;
  /** fit in pieces (trainer.run(batches)): the same options, minus callbacks, and the same results */
  trainer(x: Matrix, y: Matrix, options?: Omit<FitOptions, 'onEpochEnd' | 'onBatchEnd'>): Trainer;
  predict(x: Matrix): Float32Array;
  /**
   * `descent predict --keep`: the CSV rows' features read by name (others skipped, or kept by name), predicted.
   * Async: the columns are read in the tuning build (descent-tune.wasm), loaded on first use.
   */
  predictCSV(text: string | Uint8Array | ArrayBuffer, options?: { keep?: string[] }): Promise<PredictCSVResult>;
  /** each layer's outputs after its activation: rows × units, row-major, one array per layer */
  layerOutputs(x: Matrix): Float32Array[];
  evaluate(x: Matrix, y: Matrix): number;
  /** per layer, the gradient's, the weights' and the last update's sizes and the dead relu units on x, y */
  gradientStats(x: Matrix, y: Matrix): LayerGradientStats[];
  /** the model's scores on x, y for its output head's task and threshold (the core decides them) */
  metrics(x: Matrix, y: Matrix): HeadMetrics;
  setLearningRate(learningRate: number): void;
  getOptimizer(): FullOptimizerConfig;
  /** same name keeps the optimizer state; another name resets it */
  setOptimizer(optimizer: OptimizerName | OptimizerConfig): void;
  resetOptimizer(): void;
  setRegularization(layer: number, penalties: { l1?: number; l2?: number }): void;
  /** fresh weights from a seed; resets the optimizer and the shuffle stream */
  reinit(seed: number): void;
  setInputScaler(scaler: Scaler | null): void;
  setTargetScaler(scaler: Scaler | null): void;
  getInputScaler(): Scaler | null;
  getTargetScaler(): Scaler | null;
  setNames(names: Names): void;
  getNames(): { featureNames: string[] | null; targetName: string | null; classNames: string[] | null };
  setKernels(kernels: 'simd' | 'scalar'): void;
  clone(): Model;
  /** the model file format (core/FORMAT.md), the same bytes the CLI writes */
  save(options?: { withOptimizer?: boolean }): Uint8Array;
  /**
   * TF.js layers-model artifacts: Dense layers (leaky_relu as a LeakyReLU layer),
   * the scalers folded into the weights so TF.js predicts on raw inputs
   */
  toTfjs(): Promise<TfjsArtifacts & { format: 'layers-model'; weightSpecs: TfjsWeightSpec[]; weightData: ArrayBuffer }>;
  /**
   * an ONNX model (opset 13, input "input" [N, inputs], output "output"), scalers
   * folded in; protobufjs from options.protobuf, globalThis.protobuf or the package
   */
  toOnnx(options?: { protobuf?: unknown }): Promise<Uint8Array>;
  /** safe to call twice; any other call afterwards throws */
  dispose(): void;
}

export interface TrainerState {
  /** the epoch the next batch belongs to (= epochs completed) */
  epoch: number;
  /** the next batch's index within its epoch */
  batch: number;
  batchesPerEpoch: number;
  steps: number;
  done: boolean;
  stoppedEarly: boolean;
  bestEpoch: number;
}

export interface Trainer {
  readonly state: TrainerState;
  /** the completed epochs */
  readonly history: Pick<History, 'epoch' | 'history'>;
  /** runs up to maxBatches batches (default: to the end); a divergence throws a DivergenceError, as fit */
  run(maxBatches?: number): TrainerState;
  /** ends the run, restoring the best weights when early stopping asks for it */
  stop(): TrainerState;
  dispose(): void;
}

export interface Dataset {
  n: number;
  features: number;
  /** 1 for regression or 2 classes; k for k > 2 classes (one-hot y) */
  outputs: number;
  /** n × features */
  x: Float32Array;
  /** n × outputs; null when read with noTarget */
  y: Float32Array | null;
  /** 0 for regression */
  classes: number;
  labels: Int32Array | null;
  featureNames: string[];
  targetName: string | null;
  classNames: string[];
}

export interface CSVOptions {
  /** target column by name, or by 0-based index; default the last column */
  target?: string | number;
  task?: Task;
  delimiter?: string;
  noTarget?: boolean;
}

export interface ClassificationMetrics {
  n: number;
  classes: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** classes × classes, row = actual, column = predicted */
  confusion: number[][];
}

export interface RegressionMetrics {
  n: number;
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
}

/** A classifier head's scores: ClassificationMetrics, RegressionMetrics' fields absent. */
export interface ClassifierScores extends ClassificationMetrics {
  mse?: undefined;
  rmse?: undefined;
  mae?: undefined;
  r2?: undefined;
}

/** A regression head's scores: RegressionMetrics, ClassificationMetrics' fields absent. */
export interface RegressorScores extends RegressionMetrics {
  classes?: undefined;
  accuracy?: undefined;
  precision?: undefined;
  recall?: undefined;
  f1?: undefined;
  confusion?: undefined;
}

/**
 * The scores for a model's output head (model.metrics, the worker's metrics):
 * classificationMetrics' object for a classifier, regressionMetrics' else.
 * Either kind's fields may be read (undefined on the other kind, where they
 * are absent); `m.classes !== undefined` (or `m.accuracy !== undefined`)
 * narrows to a classifier's.
 */
export type HeadMetrics = ClassifierScores | RegressorScores;

// ---------------------------------------------------------------------------
// The command line's jobs on CSV text: trainCSV (`descent train`) and
// model.predictCSV (`descent predict --keep`), through the same library code.

/** trainCSV's options: `descent train`'s flags by their JS names, with its defaults. */
export interface TrainCSVOptions {
  /** target column by name, or by 0-based index; default the last column */
  target?: string | number;
  task?: Task;
  /** hidden layers: '16,16' (default), '16x16', '8:tanh,4', 'none', or unit counts */
  layers?: string | number[];
  /** the hidden layers' activation (default relu) */
  activation?: Activation;
  /** the output head's activation and loss; default the task's (descent_head_choose) */
  outputActivation?: Activation;
  loss?: LossName;
  init?: Initializer;
  alpha?: number;
  initLimit?: number;
  l1?: number;
  l2?: number;
  useBias?: boolean;
  /** default adam with its defaults */
  optimizer?: OptimizerName | OptimizerConfig;
  /** default 100 */
  epochs?: number;
  /** default 32; 'full' trains on every training row at once */
  batchSize?: number | 'full';
  /** the seeded, stratified test rows (default 0.2) and validation rows (default 0) */
  testSplit?: number;
  valSplit?: number;
  /** weights, splits and shuffle (default 1) */
  seed?: number;
  /** standardize the inputs, and a regression target, on the training rows (default true) */
  standardize?: boolean;
  scaleTarget?: boolean;
  shuffle?: boolean;
  patience?: number;
  restoreBestWeights?: boolean;
}

/**
 * One part's loss and the head's scores, as `descent train` prints them:
 * {loss, n, ...classificationMetrics' fields} or {loss, n, ...regressionMetrics'}.
 * Narrow it as HeadMetrics, or narrow the whole result by its task.
 */
export type PartScores<Scores extends HeadMetrics = HeadMetrics> = Scores & { loss: number };

/** trainCSV's result for one task: its parts' scores are that task's. */
export interface TrainCSVRun<T extends 'classification' | 'regression', Scores extends HeadMetrics> {
  model: Model;
  task: T;
  classNames: string[] | null;
  history: History;
  train: PartScores<Scores>;
  /** absent without validation rows (valSplit 0, the default) */
  validation?: PartScores<Scores>;
  /** absent without test rows (testSplit 0, or a split that leaves it none) */
  test?: PartScores<Scores>;
}

/** `run.task === 'classification'` narrows the parts to a classifier's scores (accuracy, confusion, ...). */
export type TrainCSVResult = TrainCSVRun<'classification', ClassifierScores> | TrainCSVRun<'regression', RegressorScores>;

/** What a failed trainCSV rejects with after training started: the model as the fit left it. */
export interface TrainCSVError extends Error {
  model: Model;
}

export interface PredictCSVResult {
  rows: number;
  /** the columns asked for in options.keep, cell by cell */
  kept: Record<string, string[]>;
  /** classification: each row's class, the classes, and rows × classes probabilities */
  predicted?: string[];
  classNames?: string[];
  probabilities?: Float32Array;
  /** regression: rows × outputs values, and the target's name */
  values?: Float32Array;
  targetName?: string | null;
}

// ---------------------------------------------------------------------------
// Hyper-parameter tuning: grid or random search, k-fold cross-validation.

export type TuneParam = 'learningRate' | 'batchSize' | 'optimizer' | 'layers' | 'activation' | 'l2' | 'epochs';
export type TuneMetric = 'loss' | 'accuracy' | 'f1' | 'r2' | 'rmse';
/** hidden layer sizes: [16, 16], '16x16', '16,16', 8, or 'none' / [] for none */
export type HiddenLayers = number[] | string | number;

/** One configuration as given; what is left out takes the defaults of `descent train`. */
export interface TuneConfigInput {
  /** > 0; default: the optimizer's own */
  learningRate?: number;
  /** default 32 */
  batchSize?: number | 'full';
  /** default 'adam' */
  optimizer?: OptimizerName;
  /** default [16, 16] */
  layers?: HiddenLayers;
  /** of the hidden layers; default 'relu' */
  activation?: Activation;
  /** on every kernel; default 0 */
  l2?: number;
  /** default 100 */
  epochs?: number;
}

/** One configuration as a search reports it. */
export interface TuneConfig {
  learningRate: number;
  batchSize: number | 'full';
  optimizer: OptimizerName;
  layers: number[];
  activation: Activation;
  l2: number;
  epochs: number;
}

/** Values to try: every combination in a grid; in a random search, drawn from the lists. */
export interface TuneGrid {
  learningRate?: number[];
  batchSize?: Array<number | 'full'>;
  optimizer?: OptimizerName[];
  layers?: HiddenLayers[];
  activation?: Activation[];
  l2?: number[];
  epochs?: number[];
}

/** A range to draw from: learningRate and l2 log-uniformly (min > 0), batchSize and epochs among the integers. */
export interface TuneRange {
  min: number;
  max: number;
}

export interface TuneRandom {
  /** configurations to draw, 1..100000 */
  draws: number;
  learningRate?: number[] | TuneRange;
  batchSize?: Array<number | 'full'> | TuneRange;
  optimizer?: OptimizerName[];
  layers?: HiddenLayers[];
  activation?: Activation[];
  l2?: number[] | TuneRange;
  epochs?: number[] | TuneRange;
}

export interface TuneOptions {
  /** grid search over every combination (the first parameter varies slowest) */
  grid?: TuneGrid;
  /** random search instead of grid */
  random?: TuneRandom;
  /** the values of the parameters not searched */
  base?: TuneConfigInput;
  /** 2..20, default 5; stratified for classification */
  folds?: number;
  /** default 'auto': accuracy for classification, r2 for regression */
  metric?: TuneMetric | 'auto';
  /** the split, the folds, the draws and every model's seeds; default 1 */
  seed?: number;
  /** rows held out (stratified) before the folds, to score the retrained best on; [0, 1), default 0 */
  testFraction?: number;
  /** scale inputs by each fold's training rows; default true */
  standardize?: boolean;
  /** regression: scale the target too; default true */
  scaleTarget?: boolean;
  /** keep each fold's per-epoch training and held-out loss; default false */
  curves?: boolean;
}

/** A Dataset, or rows with their targets: y of 0/1 or one-hot rows is taken as classes unless task says otherwise. */
export type TuneData =
  | Dataset
  | {
      x: Matrix;
      y: Matrix;
      /** columns of x when x is flat */
      features?: number;
      /** columns of y when y is flat and has more than one */
      outputs?: number;
      /** class of each row (makes it classification) */
      labels?: ArrayLike<number> | null;
      classes?: number;
      task?: Task;
    };

export interface TuneResult {
  /** the configuration's index in its search; its seeds derive from it */
  index: number;
  config: TuneConfig;
  /** mean over the folds; NaN when a fold diverged */
  mean: number;
  /** population standard deviation over the folds */
  std: number;
  /** each fold's score on its held-out rows (NaN where training diverged) */
  scores: number[];
  diverged: number;
  timeMs: number;
  /** with curves: one array per fold, one value per epoch */
  curves?: { loss: number[][]; valLoss: number[][] };
}

export interface TuneProgress {
  /** epoch: an epoch of a fold ended; fold: a fold was scored; config: a configuration is done */
  type: 'epoch' | 'fold' | 'config';
  index: number;
  /** 0-based fold; equal to folds while the best is retrained */
  fold?: number;
  folds: number;
  epoch?: number;
  epochs?: number;
  /** epoch: the epoch's training loss */
  loss?: number;
  /** fold: its score; config: the mean */
  score?: number;
  /** configurations finished, of total */
  done: number;
  total: number;
  result?: TuneResult;
}

/** Return false to cancel: no further batch runs. */
export type TuneProgressCallback = (progress: TuneProgress) => boolean | void;

export interface TuneTest {
  index: number;
  trainRows: number;
  testRows: number;
  /** the search's metric on the test rows (NaN without them) */
  score: number;
  loss: number;
  metrics: { loss: number; accuracy?: number; precision?: number; recall?: number; f1?: number; mse?: number;
    rmse?: number; mae?: number; r2?: number };
  timeMs: number;
  /** TunePool with refitModel: true: the retrained model as a model file */
  modelBytes?: Uint8Array;
}

export interface TuneSummary {
  mode: 'grid' | 'random';
  metric: TuneMetric;
  higherIsBetter: boolean;
  folds: number;
  seed: number;
  /** configurations in the search */
  count: number;
  trainRows: number;
  testRows: number;
}

export interface TuneOutcome extends Partial<TuneSummary> {
  /** the evaluated configurations, best first (NaN means last, ties by index) */
  results: TuneResult[];
  best: TuneResult | null;
  /** the best retrained on the training rows and scored on the test rows (with testFraction) */
  test: TuneTest | null;
  cancelled: boolean;
}

/** A search in the wasm heap: evaluate configurations in any order (the results do not depend on it). */
export interface Search {
  readonly count: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly metric: TuneMetric;
  readonly higherIsBetter: boolean;
  summary(): TuneSummary;
  config(index: number): TuneConfig;
  configs(): TuneConfig[];
  /** null when onProgress cancelled it */
  evaluate(index: number, callbacks?: { onProgress?: TuneProgressCallback }): TuneResult | null;
  run(callbacks?: { onProgress?: TuneProgressCallback }): { results: TuneResult[]; cancelled: boolean };
  result(index: number): TuneResult | null;
  /** evaluated results, best first */
  results(): TuneResult[];
  /** the C side's ranking: indices, best first */
  ranking(): number[];
  /** retrains index (default: the best) on the training rows, scores it on the test rows; null if cancelled */
  refit(index?: number, options?: { model?: false; onProgress?: TuneProgressCallback }): TuneTest | null;
  refit(index: number | undefined, options: { model: true; onProgress?: TuneProgressCallback }): (TuneTest & { model: Model }) | null;
  dispose(): void;
}

export interface CrossValidateOptions {
  folds?: number;
  metric?: TuneMetric | 'auto';
  seed?: number;
  /** the index whose seeds to use: the result equals that configuration's in a search with this seed */
  configIndex?: number;
  standardize?: boolean;
  scaleTarget?: boolean;
  curves?: boolean;
  onProgress?: TuneProgressCallback;
}


export interface Descent {
  /** true when the SIMD build is running */
  readonly simd: boolean;
  readonly version: string;
  /** true when loaded with tune: true (the build with hyper-parameter search) */
  readonly tuning: boolean;
  /** bytes of WebAssembly memory this instance holds (grows, never shrinks) */
  readonly memoryBytes: number;
  /** the core's names, limits, defaults and struct layouts, frozen */
  readonly vocabulary: Vocabulary;
  createModel(config: ModelConfig): Model;
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /** Smith's learning-rate range test on a fresh model from config (in the tuning twin, loaded on first use) */
  findLearningRate(x: Matrix, y: Matrix, config: ModelConfig, options?: LearningRateTestOptions): Promise<LearningRateTest>;
  /** the same network, start and batches trained by each optimizer (in the tuning twin, loaded on first use) */
  compareOptimizers(x: Matrix, y: Matrix, config: ModelConfig, options?: RaceOptions): Promise<Race>;
  /** the loss on a plane through the model's weights (in the tuning twin, loaded on first use: the model goes there through its file) */
  lossSurface(model: Model, x: Matrix, y: Matrix, options?: SurfaceOptions): Promise<LossSurface>;
  /**
   * a model from TF.js layers-model artifacts: Dense layers (linear, relu, sigmoid,
   * tanh, softmax), an InputLayer, and Activation / LeakyReLU after a linear Dense;
   * descent's recipe restores the scalers and names. Other layers are refused.
   */
  fromTfjs(artifacts: TfjsArtifacts): Promise<Model>;
  optimizerDefaults(name: OptimizerName): FullOptimizerConfig;

  /** text: a string, or its UTF-8 bytes */
  parseCSV(text: string | Uint8Array | ArrayBuffer, options?: CSVOptions): Dataset;
  /**
   * `descent train` in one call: split, network for the task, scalers, fit, scores (rejects with a TrainCSVError,
   * or a DivergenceError with .model, if the fit fails). Async: it runs in the tuning build (descent-tune.wasm,
   * loaded on first use; in place when this instance is one) and resolves with a model of this instance.
   */
  trainCSV(text: string | Uint8Array | ArrayBuffer, options?: TrainCSVOptions): Promise<TrainCSVResult>;
  /** every generated set has its targets (y) */
  generate(name: GeneratorName, options?: { n?: number; noise?: number; seed?: number }): Dataset & { y: Float32Array };
  /** rows of a dataset, in the given order: the same kind of dataset (y and labels where it has them) */
  subset<D extends Dataset>(dataset: D, indices: ArrayLike<number>): D;
  /** per-column mean and population standard deviation (1 for a constant column) */
  fitScaler(x: Matrix, columns: number): Scaler;
  /** a standardized copy of x */
  applyScaler(x: Matrix, scaler: Scaler): Float32Array;
  /** seeded; stratified when labels are given */
  trainTestSplit(
    n: number,
    options: { testFraction: number; labels?: ArrayLike<number> | null; seed?: number },
  ): { train: Int32Array; test: Int32Array };
  /** the fold (0..k-1) of each row; stratified when labels are given */
  kFold(n: number, options: { k: number; labels?: ArrayLike<number> | null; seed?: number }): Int32Array;
  classificationMetrics(pred: Matrix, y: Matrix, outputs: number): ClassificationMetrics;
  regressionMetrics(pred: Matrix, y: Matrix, outputs: number): RegressionMetrics;

  /** needs loadDescent({ tune: true }), as tune and crossValidate do */
  createSearch(data: TuneData, options?: TuneOptions): Search;
  /** a whole search, then the best retrained and tested (with testFraction) */
  tune(data: TuneData, options?: TuneOptions, callbacks?: { onProgress?: TuneProgressCallback }): TuneOutcome;
  /** one configuration's k-fold cross-validation; null when onProgress cancelled it */
  crossValidate(data: TuneData, config: TuneConfigInput, options?: CrossValidateOptions): TuneResult | null;
}


// ---------------------------------------------------------------------------
// The worker protocol: protocol.mjs (MessageType, ErrorCode), client.mjs
// (DescentClient, which re-exports both) and worker.mjs (the worker entry).
// Declared here with the rest of the API; the values live in those modules.

/** The only values an envelope's type takes. */
export interface MessageTypes {
  INIT: 'init';
  CREATE: 'create';
  LOAD: 'load';
  DISPOSE: 'dispose';
  SET_DATA: 'setData';
  TRAIN: 'train';
  STEP: 'step';
  PAUSE: 'pause';
  RESUME: 'resume';
  STOP: 'stop';
  SET_LEARNING_RATE: 'setLearningRate';
  SET_OPTIMIZER: 'setOptimizer';
  PREDICT: 'predict';
  EVALUATE: 'evaluate';
  LAYER_OUTPUTS: 'layerOutputs';
  GET_WEIGHTS: 'getWeights';
  SET_WEIGHTS: 'setWeights';
  SAVE: 'save';
  EXPORT: 'export';
  PARSE_CSV: 'parseCSV';
  SET_PREPROCESSING: 'setPreprocessing';
  DESCRIBE: 'describe';
  GENERATE: 'generate';
  SEARCH: 'search';
  CROSS_VALIDATE: 'crossValidate';
  REFIT: 'refit';
  DISPOSE_SEARCH: 'disposeSearch';
  GRADIENT_STATS: 'gradientStats';
  FIND_LEARNING_RATE: 'findLearningRate';
  COMPARE_OPTIMIZERS: 'compareOptimizers';
  LOSS_SURFACE: 'lossSurface';
  RESULT: 'result';
  ERROR: 'error';
  PROGRESS: 'progress';
}
export type MessageTypeName = MessageTypes[keyof MessageTypes];
/** What a client sends; 'result', 'error' and 'progress' come only from the worker. */
export type RequestType = Exclude<MessageTypeName, 'result' | 'error' | 'progress'>;

/** data.code of an 'error' reply, and .code of the Error a client rejects with. */
export interface ErrorCodes {
  UNKNOWN_TYPE: 'unknown-type';
  UNKNOWN_MODEL: 'unknown-model';
  UNKNOWN_SEARCH: 'unknown-search';
  NOT_INITIALIZED: 'not-initialized';
  BUSY: 'busy';
  NOT_TRAINING: 'not-training';
  FAILED: 'failed';
}
export type ErrorCodeName = ErrorCodes[keyof ErrorCodes];

/** Every message, both ways. Replies and progress carry the request's id. */
export interface Envelope<T extends MessageTypeName = MessageTypeName, D = unknown> {
  id: number;
  type: T;
  data: D;
}

export interface ErrorData {
  code: ErrorCodeName;
  /** the Error's message: descent's own text for bad options, data or model files */
  message: string;
  /** a train or step whose run diverged: its finished epochs, as train's result */
  history?: DivergedTrainResult;
  divergence?: Divergence;
}

/** Training rows kept in the worker; validation is split off as model.fit splits it. */
export interface TrainingData {
  x?: Matrix;
  y?: Matrix;
  validationSplit?: number;
  validationData?: [Matrix, Matrix];
  /** rows the model is scored on once an epoch (progress and step metrics), held with the data;
   *  new x and y without them drop the held ones */
  testX?: Matrix;
  testY?: Matrix;
}

/** The core's scores after an epoch: on the training rows (x, y) and on the test rows. */
export interface EpochMetrics {
  epoch: number;
  train: HeadMetrics;
  test: HeadMetrics;
}

/** generate and parseCSV: the seeded train/test split, and the training rows' scalers. */
export interface SplitRequest {
  testFraction?: number;
  /** default: the data seed (generate) or 1 */
  splitSeed?: number;
  /** default true (classification only) */
  stratify?: boolean;
  /** with testFraction: also inputScaler (and targetScaler for regression) of the training rows */
  scalers?: boolean;
  /** with testFraction: also the rows themselves, as trainSet and testSet */
  subsets?: boolean;
}

export interface SplitDataset extends Dataset {
  train?: Int32Array;
  test?: Int32Array;
  inputScaler?: Scaler;
  targetScaler?: Scaler;
  trainSet?: DataRows;
  testSet?: DataRows;
}

/** Rows of a dataset: n × features inputs, n × outputs targets, labels for classes. */
export interface DataRows {
  n: number;
  x: Float32Array;
  y: Float32Array | null;
  labels: Int32Array | null;
}

export interface ModelDescription {
  modelId: number;
  inputs: number;
  outputs: number;
  loss: LossName;
  paramCount: number;
  seed: number;
  stepCount: number;
  layers: Required<LayerConfig>[];
  optimizer: FullOptimizerConfig;
  inputScaler: Scaler | null;
  targetScaler: Scaler | null;
  names: ReturnType<Model['getNames']>;
}

/** progress messages: every ms milliseconds (0: after every slice of batches, about 10 ms of training)
 *  and/or every N epochs. */
export interface ProgressEvery {
  ms?: number;
  /** a message as each N-th epoch ends; with records, a record of it instead (default 1 with records) */
  epochs?: number;
  /** true: each message carries every epoch's logs finished since the previous one */
  history?: boolean;
  /** true: the epochs that `epochs` names are recorded as they end and sent together, as `records`,
   *  in the next message (every ms, and at every step, pause and stop, and the end) */
  records?: boolean;
}

/** One epoch as it ended (progressEvery.records): its logs and, with test rows, the core's metrics after it. */
export interface EpochRecord {
  /** the epoch's number in the run, 1-based (as a progress message's epoch) */
  epoch: number;
  loss: number;
  val_loss?: number;
  acc?: number;
  val_acc?: number;
  metrics?: EpochMetrics;
}

export interface TrainRequest extends TrainingData {
  modelId: number;
  /** default 1 */
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** nonzero: restart the model's shuffle stream from this seed, as model.fit does */
  seed?: number;
  earlyStopping?: EarlyStoppingConfig | false;
  /** a number is ms; absent: no progress messages */
  progressEvery?: number | ProgressEvery;
  /** true: the run starts paused, before its first batch (resume or step it) */
  paused?: boolean;
}

/** Steps the paused train run (which takes no data or options), or with no train running a
 *  trainer kept for stepping: made from this request's data and options (else the held data
 *  and the defaults), again when they change or after a train; it never stops on its own. */
export interface StepRequest extends TrainingData {
  modelId: number;
  /** true: the rest of the current epoch (a whole epoch at batch 0); default one batch */
  epoch?: boolean;
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
}

/** The data of a 'progress' message: where the run is, and the last finished epoch's logs
 *  (none until the run's first epoch ends). */
export interface TrainProgress {
  /** epochs finished in this run */
  epoch: number;
  /** batches finished in the epoch in progress */
  batch: number;
  steps: number;
  loss?: number;
  val_loss?: number;
  acc?: number;
  val_acc?: number;
  /** over the run's time training, pauses left out */
  stepsPerSecond: number;
  /** stepsPerSecond × the batch size (an epoch's partial last batch counted as full) */
  samplesPerSecond: number;
  /** on the last progress message of a run */
  final?: true;
  /** with progressEvery.history: the logs of epochs from .. epoch-1 */
  history?: { from: number; loss: number[]; val_loss?: number[]; acc?: number[]; val_acc?: number[] };
  /** with test rows: the metrics after the latest finished epoch (computed once an epoch) */
  metrics?: EpochMetrics;
  /** with progressEvery.records: each epoch recorded since the previous message, in order */
  records?: EpochRecord[];
}

/** model.fit's History, plus the count of finished epochs. */
export interface TrainResult extends Omit<History, 'stopped'> {
  epochs: number;
  /** 'stopped': by stop() or dispose() */
  stopped: 'completed' | 'early-stopped' | 'stopped';
}

/** The history an error reply carries when the run diverged. */
export interface DivergedTrainResult extends Omit<TrainResult, 'stopped'> {
  stopped: 'diverged';
}

/** Where a run is, as pause / resume / stop report it. */
export interface RunState {
  epoch: number;
  batch: number;
  steps: number;
  paused: boolean;
}

/** For a trainer kept for stepping, epoch and steps count from its start; paused is false. */
export interface StepResult extends RunState {
  stepsDone: number;
  /** the finished epoch's logs, when an epoch finished in this step */
  logs?: EpochLogs;
  /** with test rows, when an epoch finished in this step */
  metrics?: EpochMetrics;
}

export interface ModelInfo {
  modelId: number;
  inputs: number;
  outputs: number;
  loss: LossName;
  paramCount: number;
}

/** data of each request type, and of its 'result' reply. */
export interface RequestData {
  init: { simd?: 'auto' | boolean; baseUrl?: string; tune?: boolean };
  create: { config: ModelConfig };
  load: { bytes: Uint8Array | ArrayBuffer };
  dispose: { modelId: number };
  setData: TrainingData & { modelId: number };
  train: TrainRequest;
  step: StepRequest;
  pause: { modelId: number };
  resume: { modelId: number };
  stop: { modelId: number };
  setLearningRate: { modelId: number; learningRate: number };
  setOptimizer: { modelId: number; optimizer: OptimizerName | OptimizerConfig };
  predict: { modelId: number; x: Matrix };
  evaluate: { modelId: number; x: Matrix; y: Matrix };
  layerOutputs: { modelId: number; x: Matrix };
  getWeights: { modelId: number };
  setWeights: { modelId: number; weights: Array<{ kernel: Matrix; bias?: Matrix | null }> };
  save: { modelId: number; withOptimizer?: boolean };
  /** protobufUrl: where a page serves protobufjs's dist/minimal/protobuf.min.js, loaded for 'onnx' when the worker has no protobuf */
  export: { modelId: number; format: 'onnx' | 'tfjs'; protobufUrl?: string };
  generate: {
    name: GeneratorName; n?: number; noise?: number; seed?: number;
  } & SplitRequest;
  /** text: a string, its UTF-8 bytes, or a Blob (a File) read in the worker */
  parseCSV: { text: string | Uint8Array | ArrayBuffer | Blob } & CSVOptions & SplitRequest;
  setPreprocessing: {
    modelId: number; inputScaler?: Scaler | null; targetScaler?: Scaler | null;
    names?: { featureNames?: string[]; targetName?: string | null; classNames?: string[] };
  };
  describe: { modelId: number };
  search: { data: TuneData; options?: TuneOptions };
  crossValidate: { searchId: number; index: number; progressEvery?: number };
  refit: { searchId: number; index?: number; model?: boolean };
  disposeSearch: { searchId: number };
  gradientStats: { modelId: number; x: Matrix; y: Matrix };
  findLearningRate: { config: ModelConfig; x: Matrix; y: Matrix; options?: LearningRateTestOptions };
  /** progress: { index, count, result } as each optimizer finishes */
  compareOptimizers: { config: ModelConfig; x: Matrix; y: Matrix; options?: RaceOptions };
  lossSurface: { modelId: number; x: Matrix; y: Matrix; options?: SurfaceOptions };
}

export interface ResultData {
  init: { simd: boolean; version: string; tune: boolean };
  create: ModelInfo;
  load: ModelInfo;
  dispose: { modelId: number };
  setData: { rows: number; trainRows: number; validationRows: number; testRows?: number };
  train: TrainResult;
  step: StepResult;
  pause: RunState;
  resume: RunState;
  stop: RunState;
  setLearningRate: FullOptimizerConfig;
  setOptimizer: FullOptimizerConfig;
  predict: Float32Array;
  evaluate: { loss: number; metrics: HeadMetrics };
  layerOutputs: { outputs: Float32Array[] };
  getWeights: Weights[];
  setWeights: { modelId: number };
  save: Uint8Array;
  /** 'onnx': the model.onnx bytes; 'tfjs': model.json's text (weights in weights.bin) and weights.bin's bytes */
  export: { format: 'onnx'; bytes: Uint8Array } | { format: 'tfjs'; modelJson: string; weights: Uint8Array };
  generate: SplitDataset;
  parseCSV: SplitDataset;
  setPreprocessing: ModelDescription;
  describe: ModelDescription;
  search: TuneSummary & { searchId: number; configs: TuneConfig[] };
  crossValidate: TuneResult;
  refit: TuneTest & Partial<ModelInfo>;
  disposeSearch: { searchId: number };
  gradientStats: { modelId: number; stepCount: number; layers: LayerGradientStats[] };
  findLearningRate: LearningRateTest;
  compareOptimizers: Race;
  lossSurface: LossSurface;
}

export type RequestMessage = { [T in RequestType]: Envelope<T, RequestData[T]> }[RequestType];
export type ResultMessage = Envelope<'result', ResultData[RequestType] | null>;
export type ErrorMessage = Envelope<'error', ErrorData>;
export type ProgressMessage = Envelope<'progress', TrainProgress | TuneProgress>;
export type WorkerMessage = ResultMessage | ErrorMessage | ProgressMessage;

/** Typed arrays in a request are transferred (the caller's become empty) unless copy is true. */
export interface CopyOption {
  copy?: boolean;
}

export interface TrainOptions extends Omit<TrainRequest, 'modelId'>, CopyOption {
  /** this train's progress messages; progressEvery defaults to 100 ms when given */
  onProgress?: (progress: TrainProgress) => void;
}

export interface StepOptions extends Omit<StepRequest, 'modelId'>, CopyOption {}

/** The worker as either runtime has it. */
export type AnyWorker =
  | {
      postMessage(message: unknown, transfer?: readonly unknown[]): void;
      addEventListener(type: string, listener: (event: any) => void): void;
      terminate(): void;
    }
  | {
      postMessage(message: unknown, transfer?: readonly unknown[]): void;
      on(event: string, listener: (...args: any[]) => void): unknown;
      terminate(): unknown;
    };

/** An Error from a worker 'error' reply. */
export interface DescentWorkerError extends Error {
  code?: ErrorCodeName;
  /** when the run diverged (the model is rolled back): its finished epochs and where it diverged */
  history?: DivergedTrainResult;
  divergence?: Divergence;
}


// ---------------------------------------------------------------------------
// tune-pool.mjs: a search spread over a pool of workers.

