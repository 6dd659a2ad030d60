// client.d.mts - the values client.mjs exports (the package's './client'):
// the worker client and the protocol's names; the types are descent.d.ts's.
import type { AnyWorker, LayerGradientStats, LearningRateTest, LearningRateTestOptions, LossSurface, Race, RaceLane, RaceOptions, SurfaceOptions, CopyOption, FullOptimizerConfig, Matrix, ModelConfig, ModelDescription, OptimizerConfig, OptimizerName, HeadMetrics, RequestData, RequestType, ResultData, RunState, StepOptions, StepResult, TrainOptions, TrainResult, TrainingData, TuneData, TuneOptions, TuneProgress, TuneResult, Weights, ErrorCodes, MessageTypes } from './descent-types.mjs';
export type * from './descent-types.mjs';

/** The only values an envelope's type takes. */
export declare const MessageType: Readonly<MessageTypes>;
/** data.code of an 'error' reply, and .code of the Error a client rejects with. */
export declare const ErrorCode: Readonly<ErrorCodes>;

/**
 * Promises over worker.mjs. Every method rejects with an Error carrying the
 * worker's message (and .code); terminate(), or the worker failing or
 * exiting, rejects everything pending.
 */
export declare class DescentClient {
  constructor(worker: AnyWorker, options?: CopyOption);
  /** starts worker.mjs (default: beside client.mjs) in a module Worker or a worker_threads Worker, then init */
  static create(options?: { url?: string | URL; simd?: 'auto' | boolean; baseUrl?: string; copy?: boolean; tune?: boolean }): Promise<DescentClient>;
  request<T extends RequestType>(
    type: T,
    data?: RequestData[T],
    options?: CopyOption & { onProgress?: (progress: any) => void },
  ): Promise<ResultData[T]>;
  /** what the last init resolved with (create() has sent one), or null before */
  info: { simd: boolean; version: string; tune: boolean } | null;
  init(options?: { simd?: 'auto' | boolean; baseUrl?: string; tune?: boolean }): Promise<{ simd: boolean; version: string; tune: boolean }>;
  createModel(config: ModelConfig): Promise<number>;
  load(bytes: Uint8Array | ArrayBuffer, options?: CopyOption): Promise<number>;
  dispose(modelId: number): Promise<void>;
  setData(modelId: number, data: TrainingData & CopyOption): Promise<ResultData['setData']>;
  train(modelId: number, options?: TrainOptions): Promise<TrainResult>;
  step(modelId: number, options?: StepOptions): Promise<StepResult>;
  pause(modelId: number): Promise<RunState>;
  resume(modelId: number): Promise<RunState>;
  stop(modelId: number): Promise<RunState>;
  setLearningRate(modelId: number, learningRate: number): Promise<FullOptimizerConfig>;
  setOptimizer(modelId: number, optimizer: OptimizerName | OptimizerConfig): Promise<FullOptimizerConfig>;
  predict(modelId: number, x: Matrix, options?: CopyOption): Promise<Float32Array>;
  evaluate(modelId: number, x: Matrix, y: Matrix, options?: CopyOption): Promise<number>;
  /** the evaluate message's metrics: the core's scores for the model's head */
  metrics(modelId: number, x: Matrix, y: Matrix, options?: CopyOption): Promise<HeadMetrics>;
  /** each layer's outputs after its activation, rows × units per layer */
  layerOutputs(modelId: number, x: Matrix, options?: CopyOption): Promise<Float32Array[]>;
  getWeights(modelId: number): Promise<Weights[]>;
  /** model.gradientStats in the worker */
  gradientStats(modelId: number, x: Matrix, y: Matrix, options?: CopyOption): Promise<{ modelId: number; stepCount: number; layers: LayerGradientStats[] }>;
  /** descent.findLearningRate in the worker */
  findLearningRate(config: ModelConfig, x: Matrix, y: Matrix, testOptions?: LearningRateTestOptions, options?: CopyOption): Promise<LearningRateTest>;
  /** descent.compareOptimizers in the worker, one optimizer at a time; onProgress gets each as it finishes */
  compareOptimizers(config: ModelConfig, x: Matrix, y: Matrix, raceOptions?: RaceOptions,
    options?: CopyOption & { onProgress?: (p: { index: number; count: number; result: RaceLane }) => void }): Promise<Race>;
  /** descent.lossSurface in the worker */
  lossSurface(modelId: number, x: Matrix, y: Matrix, surfaceOptions?: SurfaceOptions, options?: CopyOption): Promise<LossSurface>;
  setWeights(modelId: number, weights: Array<{ kernel: Matrix; bias?: Matrix | null }>, options?: CopyOption): Promise<void>;
  save(modelId: number, options?: { withOptimizer?: boolean }): Promise<Uint8Array>;
  /** the model as ONNX or as TF.js's model.json + weights.bin (see the 'export' message) */
  exportModel(modelId: number, format: 'onnx' | 'tfjs', options?: { protobufUrl?: string }): Promise<ResultData['export']>;
  /** a built-in data set made in the worker; with testFraction, its seeded split as row indices */
  generate(options: RequestData['generate']): Promise<ResultData['generate']>;
  parseCSV(options: RequestData['parseCSV']): Promise<ResultData['parseCSV']>;
  setPreprocessing(modelId: number, options: Omit<RequestData['setPreprocessing'], 'modelId'>): Promise<ModelDescription>;
  describe(modelId: number): Promise<ModelDescription>;
  /** a search kept in the worker */
  createSearch(data: TuneData, options?: TuneOptions, requestOptions?: CopyOption): Promise<ResultData['search']>;
  /** one configuration of a search; progress: epoch events at most every progressEvery ms (default 100) */
  crossValidate(
    searchId: number,
    index: number,
    options?: { onProgress?: (progress: TuneProgress) => void; progressEvery?: number },
  ): Promise<TuneResult>;
  /** with model: true the retrained model stays in the worker, and the result has its modelId */
  refit(searchId: number, index?: number, options?: { model?: boolean }): Promise<ResultData['refit']>;
  disposeSearch(searchId: number): Promise<{ searchId: number }>;
  /** safe to call twice */
  terminate(): Promise<void>;
}
