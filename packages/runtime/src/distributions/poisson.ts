/**
 * The Poisson distribution: a count with the given mean rate. Statistic Σ w x; MLE the weighted
 * mean; MAP under Gamma(a, b) (shape, rate) the posterior mode (Σ w x + a − 1) / (Σ w + b).
 */
import { lfactorial } from '../math/special.js';
import { samplePoisson } from '../random/discrete.js';
import { accumulateBatch, findPrior, isCount, num, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const rate = num(params[0]);
  if (!(rate >= 0) || rate === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (typeof x !== 'number' || !isCount(x)) return Number.NEGATIVE_INFINITY;
  if (x === 0) return -rate;
  return x * Math.log(rate) - rate - lfactorial(x);
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: () => 1,
  accumulate(stats, values, offset, _dim, w) {
    stats[0] = stats[0]! + w * values[offset]!;
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Poisson');
    return [stats[0]! / weight];
  },
  weightedMle(values, weights, dim, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, dim);
    return this.mleFromStats(stats, weight, dim, options);
  },
  mapUpdate(stats, weight, _dim, priors) {
    const prior = findPrior(priors, 'rate', ['Gamma'], 'Poisson');
    const a = prior ? num(prior.params[0]) : 1;
    const b = prior ? num(prior.params[1]) : 0;
    return [Math.max(stats[0]! + a - 1, 0) / (weight + b)];
  },
};

export const poisson: DistributionSpec = {
  name: 'Poisson',
  description: 'A count with the given mean rate.',
  parameters: [{ name: 'rate', type: 'positive', description: 'expected count' }],
  support: 'count',
  elementwise: true,
  conjugatePriors: [{ parameter: 'rate', prior: 'Gamma', as: 'value' }],
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => samplePoisson(rng, num(params[0])),
    exponentialFamily,
  },
};
