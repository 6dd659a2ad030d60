// embedpanel.mjs - the Share panel's embed options (sharepanel.mjs loads
// this the first time they are opened): what to hide, the lock, autoplay, a
// goal and the course page's origin, and the snippet they make (the iframe
// and a listener of its events), kept up to date with the page's settings.
// Its controls are written into the <details> (index.html holds only the
// summary) when this module first loads; under lock the options are hidden.

import { parseOrigin } from './host.mjs';
import { copy } from './sharepanel.mjs';
import { HIDEABLE, encodeConfig, encodeEmbed, parseGoal } from './urlstate.mjs';
import { $, config, lockControls, locked, page } from './state.mjs';

$('embed-options').insertAdjacentHTML('beforeend', `
<fieldset class="features">
  <legend>Hide</legend>
  <div id="embed-hide" class="chips"></div>
</fieldset>
<label class="check"><input id="embed-lock" type="checkbox"> Lock the configuration</label>
<label class="check"><input id="embed-autoplay" type="checkbox"> Start training on load</label>
<label for="embed-goal">Goal (optional; reaching it sends a message to the course page)</label>
<input id="embed-goal" type="text" placeholder="test_loss<0.1" spellcheck="false">
<label for="embed-origin">The course page's origin (events go only there; it may send commands)</label>
<input id="embed-origin" type="text" placeholder="https://course.example.org" spellcheck="false">
<label for="embed-snippet">Snippet</label>
<textarea id="embed-snippet" rows="8" readonly></textarea>
<button id="copy-snippet" type="button">Copy snippet</button>
`);
$('copy-snippet').addEventListener('click', () => copy($('embed-snippet')));
$('embed-hide').replaceChildren(...HIDEABLE.map((name) => {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = name;
  box.id = `embed-hide-${name}`;
  label.append(box, ` ${name}`);
  return label;
}));
for (const id of ['embed-hide', 'embed-lock', 'embed-autoplay']) $(id).addEventListener('change', renderSnippet);
for (const id of ['embed-goal', 'embed-origin']) $(id).addEventListener('input', renderSnippet);
lockControls($('embed-options'));

/**
 * The embed snippet: the iframe, with the course page's origin when given
 * (events go only there and commands are taken from it), and a listener that
 * checks each message's origin is this page's before it reads it.
 */
export function renderSnippet() {
  const hide = [...$('embed-hide').querySelectorAll('input:checked')].map((b) => b.value);
  const goalText = $('embed-goal').value.trim();
  const goal = goalText ? parseGoal(goalText) : null;
  $('embed-goal').setAttribute('aria-invalid', typeof goal === 'string' ? 'true' : 'false');
  const goals = goal && typeof goal !== 'string' ? [goal] : [];
  const originText = $('embed-origin').value.trim();
  const origin = originText ? parseOrigin(originText) : null;
  $('embed-origin').setAttribute('aria-invalid', typeof origin === 'string' ? 'true' : 'false');
  const q = encodeConfig(config.dataset === 'csv' ? { ...config, dataset: 'iris', target: null } : config);
  const options = { hide, lock: locked() || $('embed-lock').checked, autoplay: $('embed-autoplay').checked, goals };
  if (origin && typeof origin !== 'string') options.origin = origin.origin;
  if (page.pace !== 'max') options.pace = page.pace; // else the embed's own default, a pace to watch
  for (const [k, v] of encodeEmbed(options)) q.append(k, v);
  const url = new URL(location.href);
  url.search = q.toString();
  const attr = url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const iframe = `<iframe src="${attr}" width="900" height="640" style="border:0" title="descent playground" loading="lazy"></iframe>`;
  const listener = [
    '<script>',
    "addEventListener('message', (e) => {",
    `  if (e.origin !== '${url.origin}' || !e.data || e.data.source !== 'descent') return;`,
    "  // e.data.type: 'ready', 'progress', 'goal', 'done' or 'error'",
    "  if (e.data.type === 'goal') console.log('goal reached', e.data.goal, 'at epoch', e.data.epoch, e.data.values);",
    "  if (e.data.type === 'done') console.log('training ended:', e.data.reason, 'at epoch', e.data.epoch, e.data.values);",
    '});',
    '</script>',
  ];
  $('embed-snippet').value = [iframe, ...listener].join('\n');
}

