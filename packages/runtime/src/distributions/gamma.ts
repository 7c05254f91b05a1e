/**
 * The Gamma distribution: a positive value with the given shape and rate (mean shape/rate).
 * Statistics Σ w x and Σ w log x. The weighted MLE solves log a − ψ(a) = log x̄ − mean(log x)
 * for the shape by Minka's generalised Newton iteration from the Choi–Wette starting point, then
 * rate = a / x̄.
 */
import { digamma, lgamma, trigamma } from '../math/special.js';
import { sampleGamma } from '../random/continuous.js';
import { accumulateBatch, num, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

/** log Gamma(x | shape, rate); at x = 0 the limit (+∞ below shape 1, log rate at 1, −∞ above). */
export function gammaLogDensity(x: number, shape: number, rate: number): number {
  if (!(shape > 0) || !(rate > 0) || shape === Number.POSITIVE_INFINITY || rate === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  if (!(x >= 0) || x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const logTerm = shape === 1 ? 0 : (shape - 1) * Math.log(x);
  return shape * Math.log(rate) - lgamma(shape) + logTerm - rate * x;
}

/**
 * The shape a with log a − ψ(a) = s (s > 0, the log of the arithmetic over the geometric mean).
 * A degenerate s ≤ 0 (all values equal) is raised to 1e-12, giving a large finite shape.
 */
export function solveGammaShape(s: number): number {
  const t = Math.max(s, 1e-12);
  let a = (3 - t + Math.sqrt((t - 3) * (t - 3) + 24 * t)) / (12 * t);
  for (let i = 0; i < 100; i++) {
    // Minka (2002), "Estimating a Gamma distribution", eq. (9).
    const next = 1 / (1 / a + (Math.log(a) - digamma(a) - t) / (a * a * (1 / a - trigamma(a))));
    if (!(next > 0)) break;
    const done = Math.abs(next - a) <= 1e-14 * a;
    a = next;
    if (done) break;
  }
  return a;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: () => 2,
  accumulate(stats, values, offset, _dim, w) {
    const x = values[offset]!;
    stats[0] = stats[0]! + w * x;
    stats[1] = stats[1]! + w * Math.log(x);
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Gamma');
    const mean = stats[0]! / weight;
    const shape = solveGammaShape(Math.log(mean) - stats[1]! / weight);
    return [shape, shape / mean];
  },
  weightedMle(values, weights, dim, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, dim);
    return this.mleFromStats(stats, weight, dim, options);
  },
};

export const gamma: DistributionSpec = {
  name: 'Gamma',
  description: 'A positive value with the given shape and rate (mean shape/rate).',
  parameters: [
    { name: 'shape', type: 'positive', description: 'shape' },
    { name: 'rate', type: 'positive', description: 'rate, the inverse scale' },
  ],
  support: 'positive',
  elementwise: true,
  numerics: {
    eventSize: () => 1,
    logDensity: (x: NumericValue, params) =>
      typeof x === 'number' ? gammaLogDensity(x, num(params[0]), num(params[1])) : Number.NEGATIVE_INFINITY,
    sample: (rng, params) => sampleGamma(rng, num(params[0]), num(params[1])),
    exponentialFamily,
  },
};
