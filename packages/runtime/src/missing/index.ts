/** Gaussian data with missing entries: the program, its binding and E-/M-steps, and its fit. */
export * from './conditional-gaussian.js';
export * from './fit-missing.js';
export * from './missing-gaussian.js';
export * from './missing-init.js';
export * from './missing-m-step.js';
export * from './missing-patterns.js';
export * from './missing-program.js';
export * from './sample-missing.js';
