// tune-pool.d.mts - the values tune-pool.mjs exports (the package's './tune'):
// a search spread over a pool of workers, and the ranking searches use.
import type { TuneData, TuneMetric, TuneOptions, TuneOutcome, TuneProgressCallback, TuneResult } from './descent-types.mjs';
export type * from './descent-types.mjs';

/** Evaluated results, best first, as searches rank them. */
export declare function rankResults(results: Array<TuneResult | null>, metric: TuneMetric): TuneResult[];

/** hardwareConcurrency - 1, at least 1 */
export declare function defaultPoolSize(): number;

/**
 * Runs descent.tune's search in a pool of workers, one configuration per
 * worker at a time; the results are the same as descent.tune's for the seed.
 */
export declare class TunePool {
  constructor(options?: { size?: number; simd?: 'auto' | boolean; baseUrl?: string; workerUrl?: string | URL });
  /** a pool with its workers started */
  static create(options?: { size?: number; simd?: 'auto' | boolean; baseUrl?: string; workerUrl?: string | URL }): Promise<TunePool>;
  readonly size: number;
  readonly running: boolean;
  tune(
    data: TuneData,
    options?: TuneOptions,
    callbacks?: { onProgress?: TuneProgressCallback; signal?: AbortSignal; progressEvery?: number; refitModel?: boolean },
  ): Promise<TuneOutcome>;
  /** ends the running search's workers now; its tune resolves with cancelled: true */
  cancel(): void;
  /** safe to call twice */
  terminate(): Promise<void>;
}
