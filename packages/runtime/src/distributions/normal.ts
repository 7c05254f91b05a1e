/**
 * The Normal distribution: a real value with the given mean and standard deviation. Statistics
 * Σ w x and Σ w x²; MLE the weighted mean and (two-pass) weighted sd. MAP under a Normal(m0, s0)
 * prior on the mean: the mean's conditional mode given the current sd, then the sd's given that
 * mean (an ECM step; iterated, it reaches the joint mode).
 */
import { sampleNormal } from '../random/continuous.js';
import { findPrior, num, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

const LOG_SQRT_2PI = 0.9189385332046728;

/** log Normal(x | mean, sd); −∞ for sd ≤ 0 or a non-finite x. */
export function normalLogDensity(x: number, mean: number, sd: number): number {
  if (!(sd > 0) || !Number.isFinite(x) || !Number.isFinite(mean) || sd === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  const z = (x - mean) / sd;
  return -LOG_SQRT_2PI - Math.log(sd) - 0.5 * z * z;
}

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  return typeof x === 'number' ? normalLogDensity(x, num(params[0]), num(params[1])) : Number.NEGATIVE_INFINITY;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: () => 2,
  accumulate(stats, values, offset, _dim, w) {
    const x = values[offset]!;
    stats[0] = stats[0]! + w * x;
    stats[1] = stats[1]! + w * x * x;
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Normal');
    const mean = stats[0]! / weight;
    return [mean, Math.sqrt(Math.max(stats[1]! / weight - mean * mean, 0))];
  },
  weightedMle(values, weights) {
    // Two passes: the variance without the cancellation of E[x²] − E[x]².
    let weight = 0;
    let sum = 0;
    for (let n = 0; n < weights.length; n++) {
      weight += weights[n]!;
      sum += weights[n]! * values[n]!;
    }
    requireWeight(weight, 'Normal');
    const mean = sum / weight;
    let ss = 0;
    for (let n = 0; n < weights.length; n++) {
      const r = values[n]! - mean;
      ss += weights[n]! * r * r;
    }
    return [mean, Math.sqrt(ss / weight)];
  },
  mapUpdate(stats, weight, dim, priors, options) {
    const prior = findPrior(priors, 'mean', ['Normal'], 'Normal');
    if (!prior) return this.mleFromStats(stats, weight, dim, options);
    const m0 = num(prior.params[0]);
    const s0 = num(prior.params[1]);
    const current = options?.current?.[1];
    const sd = typeof current === 'number' && current > 0 ? current : num(this.mleFromStats(stats, weight, dim)[1]);
    const precision0 = 1 / (s0 * s0);
    const precision = 1 / (sd * sd);
    const mean = (precision0 * m0 + precision * stats[0]!) / (precision0 + weight * precision);
    const ss = stats[1]! - 2 * mean * stats[0]! + mean * mean * weight;
    return [mean, Math.sqrt(Math.max(ss, 0) / weight)];
  },
};

export const normal: DistributionSpec = {
  name: 'Normal',
  description: 'A real value with the given mean and standard deviation.',
  parameters: [
    { name: 'mean', type: 'real', description: 'mean' },
    { name: 'sd', type: 'positive', description: 'standard deviation' },
  ],
  support: 'real',
  elementwise: true,
  gaussian: { mean: 'mean', scale: 'sd', scaleKind: 'sd' },
  conjugatePriors: [
    { parameter: 'mean', prior: 'Normal', as: 'value' },
    { parameter: 'sd', prior: 'Gamma', as: 'precision' },
  ],
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => sampleNormal(rng, num(params[0]), num(params[1])),
    exponentialFamily,
  },
};
