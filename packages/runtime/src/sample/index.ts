/** Ancestral sampling from a FitProgram with given params (`emforge sample`). */
export * from './sample-params.js';
export * from './sample-program.js';
