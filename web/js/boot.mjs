// boot.mjs - starts descent's worker as early as the page can: index.html
// loads this module with an async script in its head, so the worker fetches
// and compiles descent while the page's other modules download and build the
// controls. app.mjs imports it too (the same module instance: its worker is
// made once) and awaits the client it gives.

import { DescentClient } from '../lib/client.mjs';

/** The page's client, its worker started and descent loaded in it (a rejection is app.mjs's to report). */
export const starting = DescentClient.create();
starting.catch(() => {});
