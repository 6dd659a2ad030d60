// racebody.mjs - the Optimizers view's button, status, curves and surface,
// written into its <details> (index.html holds only the summary) when the
// view's code first loads: racepanel.mjs imports this module first, so the
// markup is in the page before the view looks for its elements. Under lock
// its controls are disabled at once, as every panel's are.

import { $, lockControls, stylesheet } from './state.mjs';

$('race-details').insertAdjacentHTML('beforeend', `
<div class="tune-body" hidden>
  <p class="explain">The same network, the same initial weights and the same batches, trained by each optimizer with its default settings for this page's epochs (at most 200). Which one gets lowest, and how does each move across the loss surface? The surface is the training loss on the plane through the start that holds most of the paths' movement.</p>
  <div class="row wrap">
    <button id="race-again" type="button" title="Race again with the playground's current settings">Race again</button>
    <span id="race-status" class="note" role="status">Not raced yet.</span>
  </div>
  <div class="race-figures">
    <figure class="race-curves-box">
      <figcaption>Training loss per epoch (log scale)</figcaption>
      <div id="race-curves" class="race-curves"></div>
      <ol id="race-ranking" class="race-ranking" aria-label="Final training losses, lowest first"></ol>
    </figure>
    <figure id="race-surface-box" class="race-surface-box" hidden>
      <figcaption>The optimizers' paths over the loss surface</figcaption>
      <canvas id="race-surface" role="img" aria-label="Heatmap of the loss on the plane of the paths, with each optimizer's path"></canvas>
      <p id="race-surface-note" class="note"></p>
    </figure>
  </div>
</div>
`);
lockControls($('race'));
// Shown once its styles are in, so it never shows unstyled.
const body = $('race-details').querySelector('.tune-body');
stylesheet('panels.css').then(() => { body.hidden = false; });
