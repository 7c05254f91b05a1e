/**
 * The Exponential distribution: a positive value with the given rate (mean 1/rate). Statistic
 * Σ w x; MLE Σ w / Σ w x; MAP under Gamma(a, b) (shape, rate) (Σ w + a − 1) / (Σ w x + b).
 */
import { sampleGamma } from '../random/continuous.js';
import { accumulateBatch, findPrior, num, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const rate = num(params[0]);
  if (!(rate > 0) || rate === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (typeof x !== 'number' || !(x >= 0) || x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  return Math.log(rate) - rate * x;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: () => 1,
  accumulate(stats, values, offset, _dim, w) {
    stats[0] = stats[0]! + w * values[offset]!;
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Exponential');
    return [weight / stats[0]!];
  },
  weightedMle(values, weights, dim, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, dim);
    return this.mleFromStats(stats, weight, dim, options);
  },
  mapUpdate(stats, weight, _dim, priors) {
    const prior = findPrior(priors, 'rate', ['Gamma'], 'Exponential');
    const a = prior ? num(prior.params[0]) : 1;
    const b = prior ? num(prior.params[1]) : 0;
    return [Math.max(weight + a - 1, 0) / (stats[0]! + b)];
  },
};

export const exponential: DistributionSpec = {
  name: 'Exponential',
  description: 'A positive value with the given rate (mean 1/rate).',
  parameters: [{ name: 'rate', type: 'positive', description: 'rate, the inverse of the mean' }],
  support: 'positive',
  elementwise: true,
  conjugatePriors: [{ parameter: 'rate', prior: 'Gamma', as: 'value' }],
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => sampleGamma(rng, 1, num(params[0])),
    exponentialFamily,
  },
};
