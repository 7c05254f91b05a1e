/**
 * The Multinomial distribution: counts of K categories over n independent draws. n is known (it
 * is the sum of each value). Statistics are the weighted counts (length K); MLE the relative
 * frequencies; MAP under Dirichlet(alpha) the posterior mode.
 */
import { lfactorial } from '../math/special.js';
import { sampleMultinomial } from '../random/discrete.js';
import { accumulateBatch, findPrior, isCount, num, requireWeight, simplexMode, vec } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const n = num(params[0]);
  const p = vec(params[1]);
  if (!isCount(n) || typeof x === 'number' || x.length !== p.length) return Number.NEGATIVE_INFINITY;
  let total = 0;
  let lp = lfactorial(n);
  for (let k = 0; k < p.length; k++) {
    const xk = x[k]!;
    const pk = p[k]!;
    if (!isCount(xk) || !(pk >= 0)) return Number.NEGATIVE_INFINITY;
    total += xk;
    if (xk > 0) lp += xk * Math.log(pk) - lfactorial(xk);
  }
  return total === n ? lp : Number.NEGATIVE_INFINITY;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: ['n'],
  statSize: (k) => k,
  accumulate(stats, values, offset, k, w) {
    for (let i = 0; i < k; i++) stats[i] = stats[i]! + w * values[offset + i]!;
  },
  mleFromStats(stats, weight, _k, options) {
    requireWeight(weight, 'Multinomial');
    let draws = 0;
    for (const c of stats) draws += c;
    // n is implied by the values; echo the given one when there is one.
    const n = options?.known?.[0] ?? draws / weight;
    return [n, stats.map((c) => (draws > 0 ? c / draws : 1 / stats.length))];
  },
  weightedMle(values, weights, k, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, k);
    return this.mleFromStats(stats, weight, k, options);
  },
  mapUpdate(stats, weight, _k, priors, options) {
    const prior = findPrior(priors, 'p', ['Dirichlet'], 'Multinomial');
    let draws = 0;
    for (const c of stats) draws += c;
    const n = options?.known?.[0] ?? draws / weight;
    return [n, simplexMode(stats, prior?.params[0] ?? 1)];
  },
};

export const multinomial: DistributionSpec = {
  name: 'Multinomial',
  description: 'Counts of K categories over n independent draws from a simplex.',
  parameters: [
    { name: 'n', type: 'count', description: 'number of draws' },
    { name: 'p', type: 'simplex[K]', description: 'probability of each category' },
  ],
  support: 'count[K]',
  elementwise: false,
  conjugatePriors: [{ parameter: 'p', prior: 'Dirichlet', as: 'value' }],
  numerics: {
    eventSize: (params) => vec(params[1]).length,
    logDensity,
    sample(rng, params, out) {
      const p = vec(params[1]);
      const x = out ?? new Float64Array(p.length);
      sampleMultinomial(rng, num(params[0]), p, x);
      return x;
    },
    exponentialFamily,
  },
};
