// chromium.mjs - headless Chromium as the browser tests and the page benchmark
// launch it (playwright-core driving the Debian chromium that lib.sh's
// ensure_browser installs; CHROMIUM names another), with one list of flags:
// no sandbox (root in a container), no GPU, no network of its own (updates,
// sync, QUIC), and no omnibox popup WebUI. Chromium 156 in headless mode
// builds that popup (a renderer and about 190 module requests) at each new
// window, twice; on a 2-core machine it took the page's cores and delayed its
// wasm's response by 350 ms, so a load measured 1725 ms traced instead of
// 999. A browser a learner uses has its omnibox already up.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-features=WebUIOmniboxPopup'];

/** Launches headless Chromium with CHROMIUM_ARGS; options as playwright-core's chromium.launch takes them. */
export function launchChromium(options = {}) {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, ...options });
}
