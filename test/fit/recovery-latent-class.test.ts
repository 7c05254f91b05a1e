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
  it('Bernoulli latent classes, K = 3, J = 6', () => {
    const model = `model lca {
      size N, J
      size K = 3
      data x[N]: count[J]
      param w: simplex[K]
      param p[K]: prob[J]
      latent z[N]: cat[K]
      for n in N {
        z[n] ~ Categorical(w)
        x[n] ~ Bernoulli(p[z[n]])
      }
    }`;
    const truth = {
      w: [0.45, 0.35, 0.2],
      p: [
        [0.9, 0.8, 0.85, 0.2, 0.1, 0.7],
        [0.2, 0.3, 0.1, 0.9, 0.8, 0.6],
        [0.8, 0.1, 0.5, 0.7, 0.2, 0.1],
      ],
    };
    check('lca', recover(model, truth, { n: N, seed: 13, k: 3, componentParams: ['w', 'p'], restarts: 1 }));
  });
});
