// readme-givens.d.ts - what the README's JavaScript examples take as given.
// tests/js/types.test.mjs compiles each ```js block of README.md that uses
// the API with these in scope, under tsc --strict, as a user of the package
// would (imports by the package's name, both node16 and bundler resolution).
declare const descent: import('descent').Descent;
declare const model: import('descent').Model;
declare const config: import('descent').ModelConfig;
declare const x: import('descent').Matrix;
declare const y: import('descent').Matrix;
declare const csvText: string;
declare function readFile(path: string, encoding: 'utf8'): Promise<string>;
declare function draw(epoch: number, loss: number | undefined, stepsPerSecond: number): void;
declare const tf: { loadLayersModel(handler: unknown): Promise<unknown>; io: { fromMemory(artifacts: object): unknown } };
declare module 'node:fs' {
  export function readFileSync(path: string, encoding: 'utf8'): string;
}
