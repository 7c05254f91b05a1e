/**
 * The Bernoulli distribution: a 0/1 outcome that is 1 with probability p. Statistic Σ w x; MLE
 * the weighted mean; MAP under Beta(a, b) the posterior mode.
 */
import { sampleBernoulli } from '../random/discrete.js';
import { accumulateBatch, clamp01, findPrior, num, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const p = num(params[0]);
  if (!(p >= 0 && p <= 1)) return Number.NEGATIVE_INFINITY;
  if (x === 1) return Math.log(p);
  if (x === 0) return Math.log1p(-p);
  return Number.NEGATIVE_INFINITY;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: () => 1,
  accumulate(stats, values, offset, _dim, w) {
    stats[0] = stats[0]! + w * values[offset]!;
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Bernoulli');
    return [clamp01(stats[0]! / weight)];
  },
  weightedMle(values, weights, dim, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, dim);
    return this.mleFromStats(stats, weight, dim, options);
  },
  mapUpdate(stats, weight, _dim, priors) {
    const prior = findPrior(priors, 'p', ['Beta'], 'Bernoulli');
    const a = prior ? num(prior.params[0]) : 1;
    const b = prior ? num(prior.params[1]) : 1;
    return [clamp01((stats[0]! + a - 1) / (weight + a + b - 2))];
  },
};

export const bernoulli: DistributionSpec = {
  name: 'Bernoulli',
  description: 'A 0/1 outcome that is 1 with probability p.',
  parameters: [{ name: 'p', type: 'prob', description: 'probability of a 1' }],
  support: 'count',
  accepts: ['count', 'int'],
  elementwise: true,
  conjugatePriors: [{ parameter: 'p', prior: 'Beta', as: 'value' }],
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => sampleBernoulli(rng, num(params[0])),
    exponentialFamily,
  },
};
