// tunebody.mjs - the Tune panel's form, progress and results, written into
// its <details> (index.html holds only the summary) when the panel's code
// first loads: tunepanel.mjs imports this module first, so the markup is in
// the page before the panel looks for its elements. Under lock its controls
// are disabled at once, as every panel's are.

import { $, lockControls, stylesheet } from './state.mjs';

$('tune-details').insertAdjacentHTML('beforeend', `
<div class="tune-body" hidden>
  <p class="explain">Let the computer try the settings for you: each configuration trains on part of the training points and is scored on the rest, in turn (k-fold cross-validation). Tick what to vary and give its values; the others stay as the playground has them.</p>
  <form id="tune-form" class="tune-form" autocomplete="off">
    <fieldset class="tune-mode">
      <legend>Search</legend>
      <label class="check"><input id="tune-grid" type="radio" name="tune-mode" value="grid" checked> Grid: every combination of the values</label>
      <span class="check"><input id="tune-random" type="radio" name="tune-mode" value="random"> <label for="tune-random">Random:</label>
        <input id="tune-draws" type="number" min="1" max="500" step="1" value="20" aria-label="Random draws"> draws from lists and ranges (a..b, drawn log-uniform)</span>
    </fieldset>
    <fieldset class="tune-space">
      <legend>Parameters to search (the others keep the playground's settings)</legend>
      <div id="tune-params" class="tune-params"></div>
      <p class="note">Lists: <code>0.001, 0.01, 0.1</code>; batch sizes may say <code>full</code>; hidden layers are separated by <code>;</code> (<code>8; 16,16; none</code>). L1, the initializer, the output and the optimizer's other settings are not searched: the search uses descent's defaults for them.</p>
    </fieldset>
    <div class="tune-settings">
      <label>Folds <input id="tune-folds" type="number" min="2" max="20" step="1" value="5"></label>
      <label>Metric <select id="tune-metric"></select></label>
      <label>Seed <input id="tune-seed" type="number" min="0" max="4294967295" step="1" value="1" inputmode="numeric"></label>
      <label>Held out for a test score <input id="tune-test" type="number" min="0" max="0.5" step="0.05" value="0"></label>
    </div>
    <div class="row wrap">
      <button id="tune-start" type="button" class="primary">Search</button>
      <button id="tune-cancel" type="button" disabled>Cancel</button>
      <button id="tune-best" type="button" disabled title="Set the playground's controls to the best configuration and reset the run">Use the best</button>
    </div>
    <p id="tune-plan" class="note" aria-live="polite"></p>
  </form>
  <div class="tune-progress">
    <progress id="tune-progress" max="1" value="0" aria-label="Configurations done"></progress>
    <span id="tune-status" role="status">No search yet.</span>
  </div>
  <p id="tune-test-score" class="tune-test" hidden></p>
  <div id="tune-results" class="tune-results" hidden>
    <div class="tune-figures">
      <figure class="tune-map">
        <figcaption>
          <span id="tune-map-title">Mean score over the folds</span>
          <span class="tune-axes">
            <label>across <select id="tune-x"></select></label>
            <label>down <select id="tune-y"></select></label>
          </span>
        </figcaption>
        <canvas id="tune-heatmap" tabindex="0" role="img" aria-label="Heatmap of the mean score"></canvas>
        <p id="tune-legend" class="tune-legend"></p>
      </figure>
      <figure class="tune-curves-box">
        <figcaption id="tune-curves-title">Fold curves: choose a cell of the heatmap or a row of the table.</figcaption>
        <div id="tune-curves" class="tune-curves"></div>
        <p id="tune-curves-legend" class="tune-legend tune-curves-legend" hidden></p>
      </figure>
    </div>
    <div class="tune-table-box" tabindex="0" role="region" aria-label="Configurations, best first">
      <table id="tune-table" class="tune-table"><thead></thead><tbody></tbody></table>
    </div>
  </div>
</div>
`);
lockControls($('tune'));
// Shown once its styles are in, so it never shows unstyled.
const body = $('tune-details').querySelector('.tune-body');
stylesheet('panels.css').then(() => { body.hidden = false; });
