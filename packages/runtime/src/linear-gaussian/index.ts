/** Linear-Gaussian latents: factor analysis, PPCA, mixtures of factor analysers, and the Kalman-smoothed chain. */
export * from './fit-linear-gaussian.js';
export * from './kalman.js';
export * from './program.js';
export * from './sample-linear-gaussian.js';
