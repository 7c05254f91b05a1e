/**
 * The LogNormal distribution: a positive value whose logarithm is Normal(mu, sd). Statistics
 * Σ w log x and Σ w (log x)²; MLE in closed form on the logs (two-pass for the sd).
 */
import { sampleNormal } from '../random/continuous.js';
import { num, requireWeight } from './fit-helpers.js';
import { normalLogDensity } from './normal.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  if (typeof x !== 'number' || !(x > 0)) return Number.NEGATIVE_INFINITY;
  const y = Math.log(x);
  return normalLogDensity(y, num(params[0]), num(params[1])) - y;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: () => 2,
  accumulate(stats, values, offset, _dim, w) {
    const y = Math.log(values[offset]!);
    stats[0] = stats[0]! + w * y;
    stats[1] = stats[1]! + w * y * y;
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'LogNormal');
    const mu = stats[0]! / weight;
    return [mu, Math.sqrt(Math.max(stats[1]! / weight - mu * mu, 0))];
  },
  weightedMle(values, weights) {
    let weight = 0;
    let sum = 0;
    for (let n = 0; n < weights.length; n++) {
      weight += weights[n]!;
      sum += weights[n]! * Math.log(values[n]!);
    }
    requireWeight(weight, 'LogNormal');
    const mu = sum / weight;
    let ss = 0;
    for (let n = 0; n < weights.length; n++) {
      const r = Math.log(values[n]!) - mu;
      ss += weights[n]! * r * r;
    }
    return [mu, Math.sqrt(ss / weight)];
  },
};

export const logNormal: DistributionSpec = {
  name: 'LogNormal',
  description: 'A positive value whose logarithm is Normal(mu, sd).',
  parameters: [
    { name: 'mu', type: 'real', description: 'mean of the logarithm' },
    { name: 'sd', type: 'positive', description: 'standard deviation of the logarithm' },
  ],
  support: 'positive',
  elementwise: true,
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => Math.exp(sampleNormal(rng, num(params[0]), num(params[1]))),
    exponentialFamily,
  },
};
