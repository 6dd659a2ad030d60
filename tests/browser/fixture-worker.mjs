// fixture-worker.mjs - runs the shared training run inside a module Web Worker.
import { loadDescent } from '../../build-wasm/descent.mjs';
import { runModel } from './run-model.mjs';

runModel(loadDescent).then((r) => postMessage({ ok: true, r }), (e) => postMessage({ ok: false, message: e.message }));
