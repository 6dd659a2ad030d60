// trainer.mjs - a fit in pieces (model.trainer(x, y, options)): the same
// options and results as model.fit whatever the pieces, for pages and
// workers that train between frames; and the Error of a run that diverged.

import { fail, int } from './checks.mjs';
import { V, unpackAt } from './core-vocabulary.mjs';

export const STATUS_CANCELLED = 1;
export const STATUS_NONFINITE = -6;

/**
 * The Error of a run that diverged: descent's message, the run's History as
 * fit returns it (stopped: 'diverged', the finished epochs) and where it
 * diverged: {epoch, batch} (0-based) and restoredEpochs, the epochs of this
 * run the model was rolled back to (0: the state it started in).
 */
export function diverged(error, history, [epoch, batch, restoredEpochs]) {
  error.history = { ...history, stopped: 'diverged' };
  error.divergence = { epoch, batch, restoredEpochs };
  return error;
}

/** A fit in pieces, from model.trainer(). dispose() frees it (and its copy of the data). */
export class Trainer {
  #d;
  #M;
  #ptr;
  #buffers;
  #model;
  #history;

  constructor(d, M, ptr, buffers, model, history) {
    this.#d = d;
    this.#M = M;
    this.#ptr = ptr;
    this.#buffers = buffers;
    this.#model = model;
    this.#history = history;
  }

  #p(where) {
    if (!this.#ptr) throw fail(`trainer.${where}`, 'this trainer has been disposed');
    return this.#ptr;
  }

  /** Where the run is, and whether it has finished (and why). */
  get state() {
    return this.#info().state;
  }

  /** The C trainer's info: the state, and where a diverged run diverged. */
  #info() {
    const p = this.#p('state');
    return this.#d._scoped('trainer.state', (s, M) => {
      const out = s.alloc('the state', V.fields.trainer.size, 8);
      M._dj_trainer_info(p, out);
      const t = unpackAt(M, V.fields.trainer, out);
      const state = { epoch: t.epoch, batch: t.batch, batchesPerEpoch: t.batches_per_epoch, steps: t.steps,
        done: t.done !== 0, stoppedEarly: t.stopped_early !== 0, bestEpoch: t.best_epoch };
      return { state, divergence: [t.diverged_epoch, t.diverged_batch, t.restored_epochs] };
    });
  }

  /** The completed epochs, as fit's History (without the run's end state). */
  get history() {
    this.#p('history');
    return this.#history(this.state.epoch);
  }

  /**
   * Runs up to maxBatches batches (default: to the end); returns the state.
   * A run that diverges throws with .history and .divergence, as fit does.
   */
  run(maxBatches = Infinity) {
    const where = 'trainer.run';
    const p = this.#p('run');
    if (maxBatches !== Infinity) int(where, 'maxBatches', maxBatches, undefined, 0, 2 ** 53);
    const status = this.#M._dj_trainer_run(p, maxBatches === Infinity ? -1 : maxBatches);
    if (status === STATUS_NONFINITE) {
      const { state, divergence } = this.#info();
      const { epoch, history } = this.#history(state.epoch);
      const run = { epoch, history, stopped: 'diverged', bestEpoch: state.bestEpoch, steps: state.steps };
      throw diverged(fail(where, this.#d._message()), run, divergence);
    }
    this.#d._check(where, status);
    return this.state;
  }

  /** Ends the run now (restoring the best weights when early stopping asked for that). */
  stop() {
    this.#M._dj_trainer_stop(this.#p('stop'));
    return this.state;
  }

  dispose() {
    if (!this.#ptr) return;
    this.#M._dj_trainer_free(this.#ptr);
    for (const q of this.#buffers) this.#M._free(q);
    this.#ptr = 0;
    this.#model._forgetTrainer(this);
  }
}
