/**
 * Param values the sampling tests draw from, shared by the runtime's sampler tests (test/sample)
 * and the generated fitters' `sample` tests (test/codegen/*-sample.test.ts), which compare the two.
 */

/** examples/hmm-gaussian: K = 3, D = 2. */
export const hmmGaussianParams = {
  init: [0.6, 0.3, 0.1],
  trans: [
    [0.92, 0.05, 0.03],
    [0.06, 0.9, 0.04],
    [0.05, 0.1, 0.85],
  ],
  mu: [
    [0, 0],
    [3, 1],
    [-1, 3],
  ],
  Sigma: [
    [
      [1, 0.4],
      [0.4, 0.8],
    ],
    [
      [0.5, -0.2],
      [-0.2, 0.6],
    ],
    [
      [0.8, 0],
      [0, 0.3],
    ],
  ],
};

const sixth = 1 / 6;

/** examples/hmm-dishonest-casino: a fair and a loaded die. */
export const casinoParams = {
  init: [0.8, 0.2],
  trans: [
    [0.95, 0.05],
    [0.1, 0.9],
  ],
  emit: [
    [sixth, sixth, sixth, sixth, sixth, sixth],
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
  ],
};

/** examples/linear-gaussian-chain: a 2-D state, 3-D observations. */
export const linearGaussianChainParams = {
  A: [
    [0.9, -0.2],
    [0.2, 0.9],
  ],
  Q: [
    [0.1, 0.02],
    [0.02, 0.2],
  ],
  C: [
    [1, 0],
    [0, 1],
    [1, 1],
  ],
  R: [
    [0.3, 0.05, 0],
    [0.05, 0.4, 0],
    [0, 0, 0.2],
  ],
  m0: [1, -1],
  P0: [
    [1, 0.3],
    [0.3, 0.5],
  ],
};

/** examples/gmm-missing: K = 3, D = 2. */
export const gmmMissingParams = {
  weights: [0.2, 0.5, 0.3],
  mu: [
    [0, 0],
    [5, 5],
    [-4, 3],
  ],
  Sigma: [
    [
      [1, 0.5],
      [0.5, 1],
    ],
    [
      [0.6, -0.2],
      [-0.2, 0.4],
    ],
    [
      [2, 0],
      [0, 0.3],
    ],
  ],
};
