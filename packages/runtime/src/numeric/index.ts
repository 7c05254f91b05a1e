/** Numeric M-steps: expression tapes with reverse-mode AD, family derivatives, L-BFGS. */
export * from './family-gradients.js';
export * from './lbfgs.js';
export * from './numeric-m-step.js';
export * from './tape.js';
