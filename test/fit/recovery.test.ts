/**
 * Parameter recovery: a Poisson mixture and a Bernoulli-vector (latent class) mixture
 * simulated from known parameters with the runtime's seeded samplers are fitted from 4
 * restarts; each estimate lies within 4 standard errors of the truth (component order is
 * resolved by sorting on a rate).
 */
import { makeStreams, sampleBernoulli, sampleCategorical, samplePoisson } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { fitModel } from './fit-helpers.js';

const poissonModel = `model poismix {
  size N
  size K = 3
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}`;

describe('parameter recovery', () => {
  it('Poisson mixture, N = 5000', () => {
    const [rng] = makeStreams(42, 1);
    const w = [0.3, 0.5, 0.2];
    const rate = [1, 6, 15];
    const n = 5000;
    const y = Array.from({ length: n }, () => samplePoisson(rng!, rate[sampleCategorical(rng!, w)]!));
    const r = fitModel(poissonModel, { y }, { seed: 3, restarts: 4 });
    expect(r.converged).toBe(true);
    const order = (r.params.rate as number[]).map((v, k) => [v, k] as const).sort((a, b) => a[0] - b[0]);
    order.forEach(([est, k], j) => {
      const se = Math.sqrt(rate[j]! / (n * w[j]!));
      expect(Math.abs(est - rate[j]!), `rate ${j}`).toBeLessThan(4 * se * 1.5);
      const west = (r.params.w as number[])[k]!;
      expect(Math.abs(west - w[j]!), `w ${j}`).toBeLessThan(4 * Math.sqrt((w[j]! * (1 - w[j]!)) / n) * 2);
    });
  });

  it('latent classes of binary items (Bernoulli, elementwise over a vector)', () => {
    const [rng] = makeStreams(5, 1);
    const p = [
      [0.9, 0.8, 0.2, 0.1, 0.7],
      [0.2, 0.3, 0.9, 0.8, 0.4],
    ];
    const n = 5000;
    const x = Array.from({ length: n }, () => {
      const k = sampleCategorical(rng!, [0.4, 0.6]);
      return p[k]!.map((pj) => sampleBernoulli(rng!, pj));
    });
    const model = `model lca {
      size N, J
      size K = 2
      data   x[N]: count[J]
      param  w: simplex[K]
      param  p[K]: prob[J]
      latent z[N]: cat[K]
      for n in N {
        z[n] ~ Categorical(w)
        x[n] ~ Bernoulli(p[z[n]])
      }
    }`;
    const r = fitModel(model, { x }, { seed: 1, restarts: 4 });
    const est = r.params.p as number[][];
    const first = est[0]![0]! > 0.5 ? 0 : 1;
    for (let j = 0; j < 5; j++) {
      expect(Math.abs(est[first]![j]! - p[0]![j]!)).toBeLessThan(0.06);
      expect(Math.abs(est[1 - first]![j]! - p[1]![j]!)).toBeLessThan(0.06);
    }
    expect(r.warnings).toEqual([]);
  });
});
