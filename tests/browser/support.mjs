// support.mjs - what the browser tests share: where the repo, web/ and the
// screenshots are, the check that the build is staged into web/, a static
// server and headless Chromium started before a file's tests and stopped
// after them, a fresh page that collects its console errors and warnings, and
// the small helpers for the playground page (its state, waiting until the
// state says so, idle, drawn, its error line, changing a control).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const web = `${root}web`;
export const shots = `${root}build-wasm/screenshots`;

/** Throws, saying how to fix it, unless these files (paths under web/) are staged. */
export function requireStaged(files = ['lib/worker.mjs']) {
  if (files.some((f) => !existsSync(`${web}/${f}`))) {
    throw new Error('web/lib or web/vendor is missing: run scripts/test or scripts/demo (they stage the build into web/)');
  }
}

/**
 * Registers before/after hooks that serve serveDir (with serveOptions, as
 * scripts/serve.mjs takes them) and launch headless Chromium (and make the screenshots folder, unless screenshots is false).
 * Returns { base, browser }, filled in once the before hook has run.
 */
export function useBrowser({ serveDir = web, screenshots = true, serveOptions = {} } = {}) {
  const session = { base: undefined, browser: undefined };
  let server;
  before(async () => {
    if (screenshots) mkdirSync(shots, { recursive: true });
    ({ server, url: session.base } = await serve(serveDir, serveOptions));
    session.browser = await launchChromium();
  });
  after(async () => {
    await session.browser?.close();
    server?.close();
  });
  return session;
}

/** Collects p's console errors and warnings and its page errors, as they come, into messages (returned). */
export function collectMessages(p, messages = []) {
  p.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  return messages;
}

const pageReady = (p) => p.evaluate(() => window.descentPage.ready);

/**
 * A fresh page at path + query (relative to the served folder), closed after
 * test t, loaded and then ready (ready(p, messages); by default the
 * playground's window.descentPage.ready); console errors and warnings are
 * collected into messages. downloads: in a context of its own that accepts
 * downloads. quiet: messages must be empty, checked after the test.
 * setup(p): awaited before the page is opened (e.g. to add init scripts).
 */
export async function openPage(session, t, {
  path = '', query = '', width = 1280, height = 900, scale = 1, downloads = false, quiet = false, ready = pageReady, setup = null,
} = {}) {
  const options = { viewport: { width, height }, deviceScaleFactor: scale };
  const messages = [];
  let close;
  t.after(async () => {
    await close?.();
    if (quiet) assert.deepEqual(messages, [], 'console errors or warnings');
  });
  let p;
  if (downloads) {
    const context = await session.browser.newContext({ ...options, acceptDownloads: true });
    close = () => context.close();
    p = await context.newPage();
  } else {
    p = await session.browser.newPage(options);
    close = () => p.close();
  }
  collectMessages(p, messages);
  if (setup) await setup(p);
  await p.goto(new URL(`${path}${query}`, session.base).href);
  await ready(p, messages);
  return { p, messages };
}

/**
 * Polls read(p) every `every` ms until test passes on what it read (and
 * returns that), or fails after timeout ms with the last reading (its JSON cut
 * to `shown` characters).
 */
export async function until(p, read, test, what, timeout = 30000, { every = 50, shown = Infinity } = {}) {
  const end = Date.now() + timeout;
  let s;
  while (Date.now() < end) {
    s = await read(p);
    if (test(s)) return s;
    await p.waitForTimeout(every);
  }
  throw new Error(`timed out waiting for ${what}; state ${String(JSON.stringify(s)).slice(0, shown)}`);
}

/**
 * Waits until fn(arg), run in target (a page or a frame), returns something
 * truthy; returns it. It polls with evaluate: waitForFunction evaluates a
 * string in the page, which the playground's CSP (no 'unsafe-eval') refuses.
 */
export async function waitFor(target, fn, arg, { timeout = 30000, every = 50 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await target.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${String(fn).slice(0, 200)}`);
    await target.waitForTimeout(every);
  }
}

// The playground page (web/index.html).
export const state = (p) => p.evaluate(() => window.descentPage.state);
export const idle = (p) => p.evaluate(() => window.descentPage.idle());

/** After the next animation frames, so whatever arrived is drawn. */
export const drawn = (p) => p.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));

/** The page's error line, '' while it is hidden. */
export const errorText = (p) => p.evaluate(() => {
  const el = document.getElementById('error');
  return el.hidden ? '' : el.textContent;
});

export async function choose(p, selector, value) {
  await p.selectOption(selector, value);
  await idle(p);
}

export async function setValue(p, selector, value) {
  await p.fill(selector, String(value));
  await p.dispatchEvent(selector, 'change');
  await idle(p);
}

/**
 * Opens or closes a <details> by a click on its summary, once the summary
 * stays put: scrolling the page brings the gradient panel on screen, which
 * then fills its bars and moves what is below it (a click would miss).
 */
export async function openView(p, details) {
  const summary = p.locator(`${details} > summary`);
  await summary.scrollIntoViewIfNeeded();
  const box = () => summary.boundingBox().then((b) => JSON.stringify(b));
  for (let last = await box(), i = 0; i < 50; i++) {
    await new Promise((ok) => setTimeout(ok, 250));
    const now = await box();
    if (now === last) break;
    last = now;
  }
  await summary.click();
}
