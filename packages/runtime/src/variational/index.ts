/** Variational EM with a Gaussian family for non-conjugate continuous latents: program, E-step, fit. */
export * from './fit-variational.js';
export * from './poisson-lognormal.js';
export * from './sample-variational.js';
export * from './variational-program.js';
