// vocabulary.d.mts - the values vocabulary.mjs exports (the package's
// './vocabulary', written at build by scripts/make-vocabulary.mjs): the
// core's names, limits, defaults and struct layouts without loading
// WebAssembly, as one frozen object (the default export) and each part on
// its own (so a bundle keeps only the parts it imports).
import type { VocabularyModule } from './descent-types.mjs';
export type * from './descent-types.mjs';

/** descent.vocabulary's parts, and what only a page needs (optimizers' uses, optimizerRanges, higherIsBetter) */
declare const vocabulary: Readonly<VocabularyModule>;
export default vocabulary;

export declare const vocabularies: VocabularyModule['vocabularies'];
export declare const limits: VocabularyModule['limits'];
export declare const optimizers: VocabularyModule['optimizers'];
export declare const optimizerRanges: VocabularyModule['optimizerRanges'];
export declare const higherIsBetter: VocabularyModule['higherIsBetter'];
export declare const fields: VocabularyModule['fields'];
