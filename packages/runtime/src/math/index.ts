/** Special functions, log-space helpers and the hand-written Cholesky kernels of the runtime. */
export * from './cholesky.js';
export * from './log-space.js';
export * from './special.js';
