// page-trace.mjs - where a page's ready time goes, read off a Chromium trace
// of one fresh load (scripts/bench-page.mjs prints it for descent and, when
// built, TensorFlow Playground): the milestones of the page's renderer (its
// HTML received, its scripts evaluated, descent's worker started, its wasm
// compiled) and how busy the main thread was until ready, by kind of work.
// A trace slows a load down, so these are shares and orders, not the ready
// time itself; they are steadier than wall-clock times on a busy machine.

import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'loading', 'toplevel'];

/** The main thread's work by kind: a top-level event's name -> the kind it counts under. */
const KINDS = [
  ['scripts: evaluate modules', /^v8\.evaluateModule$|^EvaluateScript$|^v8\.compileModule$|^v8\.compile$/],
  ['scripts: events, timers, frames', /^(FunctionCall|v8\.callFunction|TimerFire|FireAnimationFrame|HandlePostMessage|EventDispatch|v8\.run)$/],
  ['style and layout', /^(UpdateLayoutTree|Layout|RecalculateStyles|ParseAuthorStyleSheet|InvalidateLayout)$/],
  ['paint and commit', /^(Paint|PrePaint|Commit|Layerize|UpdateLayer|CompositeLayers)$/],
  ['HTML', /^(ParseHTML|DocumentLoader::.*|DecodedDataDocumentParser::AppendBytes)$/],
  ['garbage collection', /GC|Scavenger/],
];

/**
 * Loads url once in a new context of browser, traced, and resolves with
 * {readyMs, milestones: [[what, ms]], busyMs, kinds: [[kind, ms]]}: ms from
 * navigation start, until the moment readyScript's window.benchReady gives.
 */
export async function traceLoad(browser, url, readyScript, route) {
  const file = join(tmpdir(), `descent-page-trace-${process.pid}.json`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let readyMs;
  try {
    if (route) await context.route(...route);
    await context.addInitScript(readyScript);
    const p = await context.newPage();
    await browser.startTracing(p, { path: file, categories: CATEGORIES });
    await p.goto(url);
    readyMs = await p.evaluate(() => window.benchReady);
    await browser.stopTracing();
  } finally {
    await context.close();
  }
  const events = JSON.parse(readFileSync(file, 'utf8')).traceEvents;
  rmSync(file, { force: true });
  return { readyMs, ...breakdown(events, new URL(url).origin, readyMs) };
}

function breakdown(events, origin, readyMs) {
  const threads = new Map();
  for (const e of events) if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const thread = (e) => threads.get(`${e.pid}:${e.tid}`) ?? '';
  // The page's renderer: the process that asked the page's origin for its document.
  const first = events.find((e) => e.name === 'ResourceSendRequest' && (e.args?.data?.url ?? '').startsWith(origin));
  if (!first) throw new Error(`page-trace: no request to ${origin} in the trace`);
  const { pid } = first;
  const nav = events.find((e) => e.pid === pid && e.name === 'navigationStart') ?? first;
  const t0 = nav.ts;
  const end = t0 + readyMs * 1000;
  const at = (ts) => (ts - t0) / 1000;
  const mine = events.filter((e) => e.pid === pid && e.ts >= t0 && e.ts <= end).sort((a, b) => a.ts - b.ts);
  const main = mine.filter((e) => thread(e) === 'CrRendererMain' && e.ph === 'X');
  const worker = mine.filter((e) => thread(e).startsWith('DedicatedWorker'));

  const milestones = [];
  const mark = (what, e, endOf = false) => { if (e) milestones.push([what, at(e.ts + (endOf ? e.dur ?? 0 : 0))]); };
  mark('HTML requested', first);
  const evals = main.filter((e) => e.name === 'v8.evaluateModule' || e.name === 'EvaluateScript');
  const longest = evals.reduce((a, e) => (!a || e.dur > a.dur ? e : a), null);
  if (longest) mark(`the longest script evaluation ended (it took ${(longest.dur / 1000).toFixed(0)} ms)`, longest, true);
  mark('worker thread started', worker.find((e) => e.ph === 'X'));
  mark('worker compiled the wasm', worker.find((e) => e.name === 'wasm.FinishStreaming' || e.name === 'v8.wasm.compileConsumeDone'), true);
  milestones.push(['ready', readyMs]);

  // Busy: the main thread's top-level tasks; each task's time goes to the kinds of its outermost known events.
  const tasks = main.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const kinds = new Map(KINDS.map(([k]) => [k, 0]));
  kinds.set('other', 0);
  let busy = 0;
  for (const task of tasks) {
    const stop = task.ts + task.dur;
    busy += task.dur;
    let counted = 0;
    let until = -Infinity;
    for (const e of main) {
      if (e.ts < task.ts || e.ts + e.dur > stop || e === task || e.ts < until) continue;
      const kind = KINDS.find(([, re]) => re.test(e.name));
      if (!kind) continue;
      kinds.set(kind[0], kinds.get(kind[0]) + e.dur);
      counted += e.dur;
      until = e.ts + e.dur; // nested events are inside this one: counted once
    }
    kinds.set('other', kinds.get('other') + Math.max(0, task.dur - counted));
  }
  return {
    milestones,
    busyMs: busy / 1000,
    kinds: [...kinds].map(([k, v]) => [k, v / 1000]).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]),
  };
}

/** Prints a traceLoad result under a heading. */
export function printTrace(name, t) {
  console.log(`  ${name}: traced load ready at ${t.readyMs.toFixed(0)} ms; main thread busy ${t.busyMs.toFixed(0)} ms of it (${((100 * t.busyMs) / t.readyMs).toFixed(0)}%)`);
  for (const [what, ms] of t.milestones) console.log(`    ${`${ms.toFixed(0)} ms`.padStart(8)}  ${what}`);
  console.log('    main thread until ready, by kind of work:');
  for (const [kind, ms] of t.kinds) console.log(`    ${`${ms.toFixed(0)} ms`.padStart(8)}  ${kind}`);
}
