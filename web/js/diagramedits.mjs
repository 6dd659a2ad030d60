// diagramedits.mjs - what the network diagram lets a learner change, through
// the same paths as the panels: − and + on a hidden layer set its units as
// the Network panel's units field does (the same range and message), a click
// on an input feature toggles it as the Input features boxes do, and a weight
// typed in its field goes to the worker, which sets it in the model
// (run.mjs's setWeight). Under lock nothing here changes the exercise. A
// neuron under the pointer is shown large in the plane view (planeview.mjs).
// If the diagram's pointer handling cannot load, the page says so.

import { setFeatures } from './datapanel.mjs';
import { FEATURES } from './choices.mjs';
import { setUnits } from './networkpanel.mjs';
import { setWeight } from './run.mjs';
import { InputError, act, checkNumber, config, loadFailed, locked, page, views } from './state.mjs';

/** The page's range for a weight typed in the diagram: wide enough for any weight a run reaches, finite as a float32. */
export const WEIGHT_RANGE = { min: -1000, max: 1000 };

const refuseLocked = () => {
  if (locked()) throw new InputError('This exercise is locked: its configuration cannot be changed.');
};

export function wireDiagram() {
  const { diagram } = views;
  if (!diagram) return;
  diagram.setEditing({
    locked: locked(),
    units: (layer, delta) => act(async () => {
      refuseLocked();
      const i = layer - 1;
      if (!config.layers[i]) return;
      await setUnits(i, String(config.layers[i].units + delta));
    }),
    input: (row) => act(async () => {
      refuseLocked();
      const id = FEATURES[row] && FEATURES[row].id;
      if (!id) return;
      const on = config.features.includes(id);
      await setFeatures(on ? config.features.filter((f) => f !== id) : [...config.features, id]);
    }),
    weight: (item, text) => {
      refuseLocked();
      // Checked here, so the field says what is wrong; then set as an action, after any action queued before it.
      const value = checkNumber(text, `Weight (${item.label})`, WEIGHT_RANGE);
      return act(() => setWeight({ layer: item.layer, from: item.from, to: item.to }, value));
    },
  });
  diagram.onHover = (node) => {
    page.hovered = node;
    page.viewDirty = true;
  };
  // The pointer handling is a chunk of its own (netpointer.mjs): a failed load is said (until the next action, as lazy()'s).
  diagram.onLoad = (e) => e && loadFailed("the diagram's pointer handling", e);
}
