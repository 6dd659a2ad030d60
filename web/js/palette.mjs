// palette.mjs - the page's colours, defined once: the diverging scale every
// view draws values on (orange for low, negative and class 0; blue for high,
// positive and class 1), the ink and paper of the canvases, and the tuning
// views' ramp and fold colours. style.css holds the same few as CSS
// variables for the HTML (the legend's swatches), under the same names.

/** Orange: class 0, low values, negative weights. */
export const NEG = [232, 113, 10];
/** The scale's middle: near white. */
export const MID = [250, 250, 250];
/** Blue: class 1, high values, positive weights. */
export const POS = [23, 105, 170];
/** Text and axes. */
export const INK = [29, 36, 48];
/** Secondary text. */
export const MUTED = [91, 101, 115];
/** Errors, wrong predictions. */
export const ERR = [180, 35, 24];
/** A chart's background. */
export const PAPER = [247, 249, 251];
/** A chart's plot area. */
export const PLOT = [251, 252, 253];
/** An empty cell. */
export const EMPTY = [241, 243, 246];
/** Grid lines of the charts. */
export const GRID = [238, 240, 243];
/** Panel borders. */
export const LINE = [216, 221, 228];
/** The page's background. */
export const BACKGROUND = [246, 247, 249];
/** Focus and the keyboard cursor. */
export const ACCENT = [31, 111, 235];
export const WHITE = [255, 255, 255];

/** The font of everything drawn on a canvas. */
export const FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** A colour [r, g, b] (rounded) with alpha as CSS. */
export const rgba = ([r, g, b], alpha = 1) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${alpha})`;

/** A colour [r, g, b] as #rrggbb (a chart's strokes). */
export const hex = (c) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** t in [0, 1] on the orange - white - blue scale, as [r, g, b]; not a number: the middle. */
export function diverging(t) {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  const [a, b, k] = u < 0.5 ? [NEG, MID, u * 2] : [MID, POS, (u - 0.5) * 2];
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}

/** viridis, dark (worse) to bright (better): the tuning heatmap's scale. */
export const RAMP = [[68, 1, 84], [65, 68, 135], [42, 120, 142], [34, 168, 132], [122, 209, 81], [253, 231, 37]];

/** t in [0, 1] on RAMP: its CSS colour, its [r, g, b] and whether it is light (dark text on it). */
export function ramp(t) {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * f));
  return { css: `rgb(${c[0]},${c[1]},${c[2]})`, rgb: c, light: c[0] * 0.299 + c[1] * 0.587 + c[2] * 0.114 > 140 };
}

/** One colour per fold in the tuning curves (training solid, validation dashed). */
export const FOLD_COLOURS = ['#1769aa', '#e8710a', '#2e9e44', '#b8336a', '#7a5cc7', '#8c6d1f', '#0f8b8d', '#d1495b', '#5b6573', '#3d5a80'];

/** One colour per optimizer in the Optimizers view (its curve, its path, its swatch), in the optimizers' order. */
export const OPTIMIZER_COLOURS = ['#d1495b', '#e8710a', '#2e9e44', '#1769aa', '#7a5cc7', '#0f8b8d'];

/** A tuning heatmap's cell whose configuration diverged. */
export const DIVERGED = [201, 206, 214];
