// sharepanel.mjs - the Share, embed and export panel: the link to this run
// (kept in the address bar too), the embed snippet and its options, the
// goals an embedded page reports to its parent, the downloads (the model,
// the loss history, the view and the chart as PNG) and a saved model opened.

import { encodeConfig, encodeEmbed, encodeView } from './urlstate.mjs';
import { raceOpen } from './race.mjs';
import { $, config, embed, fmt, goals, host, lazy, locked, on } from './state.mjs';

/** The embed options' code, loaded when they are first opened. */
const embedPanel = lazy(() => import('./embedpanel.mjs'), 'the embed options');

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
  $('model-file').disabled = locked();
  if (!csv) {
    const here = new URL(location.href);
    const own = new URLSearchParams(q);
    for (const [k, v] of ownEmbed()) own.append(k, v);
    here.search = own.toString();
    if (here.href !== location.href) history.replaceState(null, '', here.href);
  }
  if (embedPanel.module) embedPanel.module.renderSnippet();
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

/** Selects el's text and copies it to the clipboard where the page may. */
export async function copy(el) {
  el.select();
  try {
    await navigator.clipboard.writeText(el.value);
  } catch {
    // No clipboard permission (an insecure context or a test): the text stays selected to copy by hand.
  }
}

export function wireShare() {
  $('copy-link').addEventListener('click', () => copy($('share-link')));
  // The embed options: their controls and snippet (embedpanel.mjs) load the first time they are opened.
  const details = $('embed-options');
  details.addEventListener('toggle', () => {
    if (details.open) embedPanel.load().then((m) => m.renderSnippet()).catch(() => {}); // lazy() has said why on the page
  });
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
