/** Kernels of the EM runtime: per-state log densities over Float64Array batches and their normalisation. */
export * from './arg-view.js';
export * from './log-density.js';
export * from './responsibilities.js';
