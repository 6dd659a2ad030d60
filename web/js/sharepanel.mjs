// sharepanel.mjs - the Share, embed and export panel: the link to this run
// (kept in the address bar too), the embed snippet and its options, the
// goals an embedded page reports to its parent, the downloads (the model,
// the loss history, the view and the chart as PNG) and a saved model opened.

import { parseOrigin } from './host.mjs';
import { HIDEABLE, encodeConfig, encodeEmbed, encodeView, parseGoal } from './urlstate.mjs';
import { raceOpen } from './race.mjs';
import { $, config, embed, fmt, goals, host, lazy, lockControls, locked, on, page } from './state.mjs';

/** The goals reached since the reset (their text). */
export const reachedGoals = () => goals.reached;

/**
 * The page's own embed options as link parameters (embed=1 only if it was
 * embedded): all of them when embedded or locked, else only hide=text (the
 * panels' explanations hidden), which applies to any page.
 */
function ownEmbed() {
  if (!embed.embed && !embed.lock) return new URLSearchParams(textHidden() ? { hide: 'text' } : {});
  const q = encodeEmbed(embed);
  if (!embed.embed) q.delete('embed');
  return q;
}

/** hide=text: the panels' explanations are hidden. */
const textHidden = () => embed.hide.includes('text');

/**
 * The link to this configuration, kept in the address bar (with the embed
 * options when embedded or locked). A locked exercise gives only locked links:
 * its own options are in the Share panel's link, its snippet is locked, and
 * the embed options that would make another link are hidden.
 */
export function syncLink() {
  const csv = config.dataset === 'csv';
  $('share-note').hidden = !csv;
  const q = encodeConfig(csv ? { ...config, dataset: 'iris', target: null } : config);
  // The view open (view=race) goes with the link, as the configuration does.
  for (const [k, v] of encodeView(raceOpen() ? 'race' : null)) q.append(k, v);
  const link = new URL(location.href);
  link.search = q.toString();
  if (locked() || textHidden()) for (const [k, v] of ownEmbed()) link.searchParams.append(k, v);
  $('share-link').value = link.href;
  $('embed-options').hidden = locked();
  lockControls($('embed-options'));
  $('model-file').disabled = locked();
  if (!csv) {
    const here = new URL(location.href);
    const own = new URLSearchParams(q);
    for (const [k, v] of ownEmbed()) own.append(k, v);
    here.search = own.toString();
    if (here.href !== location.href) history.replaceState(null, '', here.href);
  }
  renderSnippet();
}

/**
 * The embed snippet: the iframe, with the course page's origin when given
 * (events go only there and commands are taken from it), and a listener that
 * checks each message's origin is this page's before it reads it.
 */
function renderSnippet() {
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

/** A goal reached for the first time at epoch: said on the page and posted to the embedding page. */
export function goalReached(goal, epoch, values) {
  host.goal(goal, epoch, values);
  const value = goal.metric === 'epoch' ? epoch : values[goal.metric];
  const banner = $('goal-banner');
  banner.hidden = false;
  banner.textContent = `Goal reached: ${goal.text} at epoch ${epoch} (${goal.metric} = ${fmt(value)}).`;
}

/**
 * The embed options of the page's address: the compact page and the panels
 * hidden (embed=1); a locked configuration (lock=1, embedded or not), whose
 * controls each render disables (lockControls) and whose actions on() refuses.
 */
export function applyEmbed() {
  document.body.classList.toggle('no-text', textHidden()); // embedded or not
  if (embed.embed) {
    document.body.classList.add('embed');
    for (const name of embed.hide) for (const el of document.querySelectorAll(`[data-panel="${name}"]`)) el.hidden = true;
  }
  if (locked()) {
    // A locked exercise has no presets to switch to, nor a search whose best would replace its configuration.
    for (const el of document.querySelectorAll('[data-panel="presets"], [data-panel="tune"]')) el.hidden = true;
    $('controls').setAttribute('data-locked', 'true'); // (not .dataset: the form's control named "dataset" shadows it)
    document.body.classList.add('locked');
  }
}

async function copy(el) {
  el.select();
  try {
    await navigator.clipboard.writeText(el.value);
  } catch {
    // No clipboard permission (an insecure context or a test): the text stays selected to copy by hand.
  }
}

export function wireShare() {
  $('copy-link').addEventListener('click', () => copy($('share-link')));
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
  // The downloads and a saved model opened: their code (sharefiles.mjs) loads on the first use.
  const files = lazy(() => import('./sharefiles.mjs'), 'the downloads and the opening of a saved model');
  const exports = { whenLocked: true }; // downloads change nothing
  for (const [id, name] of [['dl-model', 'model'], ['dl-onnx', 'onnx'], ['dl-tfjs', 'tfjs'], ['dl-history', 'history'], ['dl-view', 'view'], ['dl-chart', 'chart']]) {
    on($(id), 'click', async () => (await files.load()).DOWNLOADS[name](), exports);
  }
  on($('model-file'), 'change', async () => {
    const file = $('model-file').files[0];
    $('model-file').value = '';
    if (file) await (await files.load()).openModel(file);
  });
}
