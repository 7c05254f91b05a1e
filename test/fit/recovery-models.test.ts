/**
 * Parameter recovery (issue 4, Done-when): for five model families, N = 20,000 items are drawn
 * from known params with the runtime's ancestral sampler, fitted from 3 restarts, relabelled to
 * the truth (the permutation of components with the least squared difference), and every
 * entry of every param must lie within 4.5 standard errors of the truth, the SEs coming from
 * the numerically differentiated observed-data log-likelihood (see recovery-helpers.ts for the
 * derivation).
 */
import { describe, it } from 'vitest';
import { expectRecovered as check, recover } from './recovery-helpers.js';

const N = 20_000;

describe('parameter recovery at N = 20,000 (|estimate − truth| ≤ 4.5 SE)', () => {
  it('full-covariance Gaussian mixture, D = 2, K = 3', () => {
    const model = `model gmm {
      size N, D
      size K = 3
      data x[N]: real[D]
      param weights: simplex[K]
      param mu[K]: real[D]
      param Sigma[K]: cov[D]
      latent z[N]: cat[K]
      for n in N {
        z[n] ~ Categorical(weights)
        x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
      }
    }`;
    const truth = {
      weights: [0.5, 0.3, 0.2],
      mu: [
        [0, 0],
        [4, 4],
        [-4, 3],
      ],
      Sigma: [
        [
          [1, 0.5],
          [0.5, 1],
        ],
        [
          [1, 0],
          [0, 2],
        ],
        [
          [0.5, -0.2],
          [-0.2, 0.5],
        ],
      ],
    };
    const r = recover(model, truth, { n: N, seed: 11, k: 3, componentParams: ['weights', 'mu', 'Sigma'] });
    check('gmm', r);
  });

  it('Poisson mixture, K = 3', () => {
    const model = `model poismix {
      size N
      size K = 3
      data y[N]: count
      param w: simplex[K]
      param rate[K]: positive
      latent z[N]: cat[K]
      for n in N {
        z[n] ~ Categorical(w)
        y[n] ~ Poisson(rate[z[n]])
      }
    }`;
    const truth = { w: [0.3, 0.5, 0.2], rate: [1, 6, 15] };
    check('poisson', recover(model, truth, { n: N, seed: 12, k: 3, componentParams: ['w', 'rate'] }));
  });

  it('Binomial mixture, K = 3, 20 trials', () => {
    const model = `model binmix {
      size N
      size K = 3
      data x[N]: count
      data trials: count
      param w: simplex[K]
      param prob[K]: prob
      latent z[N]: cat[K]
      for n in N {
        z[n] ~ Categorical(w)
        x[n] ~ Binomial(trials, prob[z[n]])
      }
    }`;
    const truth = { w: [0.25, 0.45, 0.3], prob: [0.1, 0.45, 0.8] };
    const r = recover(model, truth, { n: N, seed: 14, k: 3, componentParams: ['w', 'prob'], inputs: { trials: 20 } });
    check('binomial', r);
  });
});
