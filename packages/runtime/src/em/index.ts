/** The EM runtime: the driver, the FitProgram and its mixture executor, initialisation and criteria. */

export * from '../kernels/index.js';
export * from './accelerators.js';
export * from './criteria.js';
export * from './em-checkpoint.js';
export * from './em-driver.js';
export * from './family-mle-m-step.js';
export * from './fit.js';
export * from './fit-program.js';
export * from './fit-result.js';
export * from './init.js';
export * from './mixture.js';
export * from './mixture-m-step.js';
export * from './param-values.js';
export * from './program.js';
export * from './unconstrained.js';
export * from './variants.js';
