/**
 * The Binomial distribution: successes in n trials with success probability p. n is known
 * (given, not estimated). Statistic Σ w x; MLE p = Σ w x / (n Σ w); MAP under Beta(a, b) the
 * posterior mode.
 */
import { lchoose } from '../math/special.js';
import { sampleBinomial } from '../random/discrete.js';
import { accumulateBatch, clamp01, findPrior, isCount, knownScalar, num, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const n = num(params[0]);
  const p = num(params[1]);
  if (!isCount(n) || !(p >= 0 && p <= 1)) return Number.NEGATIVE_INFINITY;
  if (typeof x !== 'number' || !isCount(x) || x > n) return Number.NEGATIVE_INFINITY;
  // x log p + (n − x) log(1 − p), with 0 · log 0 = 0 at p = 0 or 1.
  const success = x === 0 ? 0 : x * Math.log(p);
  const failure = x === n ? 0 : (n - x) * Math.log1p(-p);
  return lchoose(n, x) + success + failure;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: ['n'],
  statSize: () => 1,
  accumulate(stats, values, offset, _dim, w) {
    stats[0] = stats[0]! + w * values[offset]!;
  },
  mleFromStats(stats, weight, _dim, options) {
    requireWeight(weight, 'Binomial');
    const n = knownScalar(options, 0, 'Binomial', 'n');
    return [n, clamp01(stats[0]! / (n * weight))];
  },
  weightedMle(values, weights, dim, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, dim);
    return this.mleFromStats(stats, weight, dim, options);
  },
  mapUpdate(stats, weight, _dim, priors, options) {
    const n = knownScalar(options, 0, 'Binomial', 'n');
    const prior = findPrior(priors, 'p', ['Beta'], 'Binomial');
    const a = prior ? num(prior.params[0]) : 1;
    const b = prior ? num(prior.params[1]) : 1;
    return [n, clamp01((stats[0]! + a - 1) / (n * weight + a + b - 2))];
  },
};

export const binomial: DistributionSpec = {
  name: 'Binomial',
  description: 'The number of successes in n independent trials with success probability p.',
  parameters: [
    { name: 'n', type: 'count', description: 'number of trials' },
    { name: 'p', type: 'prob', description: 'success probability of each trial' },
  ],
  support: 'count',
  elementwise: true,
  conjugatePriors: [{ parameter: 'p', prior: 'Beta', as: 'value' }],
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => sampleBinomial(rng, num(params[0]), num(params[1])),
    exponentialFamily,
  },
};
