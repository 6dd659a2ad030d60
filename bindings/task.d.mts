// task.d.mts - the values task.mjs exports (the package's './task'): the
// core's task recipe for a loaded descent.
import type { Descent, TaskRecipe } from './descent-types.mjs';
export type * from './descent-types.mjs';

export declare function taskRecipe(descent: Descent): TaskRecipe;
