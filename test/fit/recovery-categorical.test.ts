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
  it('categorical mixture: three 4-category indicators, K = 3', () => {
    const model = `model catmix {
      size N
      size K = 3
      size C = 4
      data a[N]: cat[C]
      data b[N]: cat[C]
      data c[N]: cat[C]
      param w: simplex[K]
      param pa[K]: simplex[C]
      param pb[K]: simplex[C]
      param pc[K]: simplex[C]
      latent z[N]: cat[K]
      for n in N {
        z[n] ~ Categorical(w)
        a[n] ~ Categorical(pa[z[n]])
        b[n] ~ Categorical(pb[z[n]])
        c[n] ~ Categorical(pc[z[n]])
      }
    }`;
    const truth = {
      w: [0.4, 0.35, 0.25],
      pa: [
        [0.7, 0.1, 0.1, 0.1],
        [0.1, 0.7, 0.1, 0.1],
        [0.25, 0.25, 0.25, 0.25],
      ],
      pb: [
        [0.1, 0.1, 0.1, 0.7],
        [0.4, 0.4, 0.1, 0.1],
        [0.1, 0.1, 0.7, 0.1],
      ],
      pc: [
        [0.5, 0.2, 0.2, 0.1],
        [0.1, 0.2, 0.2, 0.5],
        [0.2, 0.6, 0.1, 0.1],
      ],
    };
    const r = recover(model, truth, { n: N, seed: 15, k: 3, componentParams: ['w', 'pa', 'pb', 'pc'], restarts: 1 });
    check('categorical', r);
  });
});
