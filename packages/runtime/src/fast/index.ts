/** The fast mixture executor: recognition, the block kernels' table, shared data rows, the fit. */
export * from './fit-fast.js';
export * from './kernels.js';
export * from './shared-rows.js';
export * from './specialise.js';
