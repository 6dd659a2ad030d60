// chromium.mjs - headless Chromium as the browser tests, the package test and
// the page benchmark launch it: playwright-core driving Debian's
// chromium-headless-shell (lib.sh's ensure_browser installs it; CHROMIUM names
// another binary), with one list of flags: no sandbox (root in a container),
// no GPU, no network of its own (updates, sync, QUIC).
//
// Why the headless shell, not `chromium --headless`: Chromium's new headless
// mode is the whole browser without a window, and builds its omnibox popup
// WebUI (a renderer and about 190 modules) for every new browser context,
// which on this 2-core machine added about 450 ms to every page load it
// measured, descent's and TensorFlow Playground's alike (interleaved fresh
// loads: descent 1005 ms against 558 in the shell, the Playground 1034
// against 654). The shell is the headless browser Playwright itself runs by
// default; it renders pages with the same Blink and V8.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium-headless-shell';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches headless Chromium with CHROMIUM_ARGS; options as playwright-core's chromium.launch takes them. */
export function launchChromium(options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: scripts/test and scripts/bench install it (Debian package chromium-headless-shell), or set CHROMIUM to a Chromium binary`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, ...options });
}
