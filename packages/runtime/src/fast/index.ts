/** The fast mixture executor: recognition, the block kernels' table, shared data rows, the fit. */

// The executor's pieces, for generated fitters (`emforge compile`) that drive the same kernels.
export { type Arena, ArenaLayout, type BlockJob, blockCount, makeArena, runBlocksSerial } from './block-kernel.js';
export type { FastMStepOptions, FastStats } from './fast-m-step.js';
export { type FastMixture, prepareFast, runSerialWithResponsibilities, writeConstants } from './fast-mixture.js';
export * from './fit-fast.js';
export * from './kernels.js';
export * from './shared-rows.js';
export * from './specialise.js';
