/** Numeric M-steps: expression tapes with reverse-mode AD, family derivatives, Newton / IRLS, L-BFGS. */
export * from './family-gradients.js';
export * from './lbfgs.js';
export * from './newton.js';
export * from './numeric-m-step.js';
export * from './tape.js';
