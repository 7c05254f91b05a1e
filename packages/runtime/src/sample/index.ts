/** Ancestral sampling from a program with given params (`emforge sample`): mixtures, chains. */

export * from './sample-any.js';
export * from './sample-params.js';
export * from './sample-program.js';
