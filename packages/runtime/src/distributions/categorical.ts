/**
 * The Categorical distribution: a category 0 … K−1 drawn with the probabilities of a simplex.
 * Statistics are the weighted counts per category (length K); MLE the relative frequencies; MAP
 * under Dirichlet(alpha) the posterior mode.
 */
import { sampleCategorical } from '../random/discrete.js';
import { accumulateBatch, findPrior, requireWeight, simplexMode, vec } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const p = vec(params[0]);
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= p.length) return Number.NEGATIVE_INFINITY;
  const px = p[x]!;
  return px >= 0 ? Math.log(px) : Number.NEGATIVE_INFINITY;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: (k) => k,
  accumulate(stats, values, offset, _k, w) {
    const c = values[offset]!;
    stats[c] = stats[c]! + w;
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Categorical');
    return [stats.map((c) => c / weight)];
  },
  weightedMle(values, weights, k, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, k, 1);
    return this.mleFromStats(stats, weight, k, options);
  },
  mapUpdate(stats, _weight, _k, priors) {
    const prior = findPrior(priors, 'p', ['Dirichlet'], 'Categorical');
    const alpha = prior?.params[0] ?? 1;
    return [simplexMode(stats, alpha)];
  },
};

export const categorical: DistributionSpec = {
  name: 'Categorical',
  description: 'A category 0 … K−1 drawn with the probabilities of a simplex.',
  parameters: [{ name: 'p', type: 'simplex[K]', description: 'probability of each category' }],
  support: 'cat[K]',
  elementwise: false,
  conjugatePriors: [{ parameter: 'p', prior: 'Dirichlet', as: 'value' }],
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => sampleCategorical(rng, vec(params[0])),
    exponentialFamily,
  },
};
