/** Gaussian scale mixtures (the Student-t and mixtures of them): program, binding, E- and M-steps, fit. */
export * from './bind-scale-mixture.js';
export * from './fit-scale-mixture.js';
export * from './sample-scale-mixture.js';
export * from './scale-mixture-e-step.js';
export * from './scale-mixture-m-step.js';
export * from './scale-mixture-program.js';
export * from './student-t-nu.js';
export * from './student-t-updates.js';
