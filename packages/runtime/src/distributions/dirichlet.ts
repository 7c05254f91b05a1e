/**
 * The Dirichlet distribution: a probability vector with concentrations alpha (one per entry, or
 * one shared). Statistics Σ w log x[k]; the weighted MLE is Minka's fixed point
 * ψ(α_k) = ψ(Σ α) + E log x_k, solved through the inverse digamma, from the start that
 * ψ(a) ≈ log(a − ½) gives.
 */
import { digamma, invDigamma, lgamma } from '../math/special.js';
import { sampleDirichlet } from '../random/continuous.js';
import { accumulateBatch, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

/** Tolerance on Σ x = 1 for a value to count as a point of the simplex. */
const SIMPLEX_TOLERANCE = 1e-8;

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const alpha = params[0];
  if (typeof x === 'number' || alpha === undefined) return Number.NEGATIVE_INFINITY;
  const k = x.length;
  if (typeof alpha !== 'number' && alpha.length !== k) return Number.NEGATIVE_INFINITY;
  let total = 0;
  let sumAlpha = 0;
  let lp = 0;
  for (let i = 0; i < k; i++) {
    const a = typeof alpha === 'number' ? alpha : alpha[i]!;
    const xi = x[i]!;
    if (!(a > 0) || a === Number.POSITIVE_INFINITY || !(xi >= 0 && xi <= 1)) return Number.NEGATIVE_INFINITY;
    total += xi;
    sumAlpha += a;
    lp += (a === 1 ? 0 : (a - 1) * Math.log(xi)) - lgamma(a);
  }
  if (Math.abs(total - 1) > SIMPLEX_TOLERANCE) return Number.NEGATIVE_INFINITY;
  return lp + lgamma(sumAlpha);
}

/**
 * The Dirichlet MLE from the mean logs.
 * @param meanLog shape [K], E log x_k under the weights
 */
export function fitDirichlet(meanLog: Float64Array): Float64Array {
  const k = meanLog.length;
  let sumG = 0;
  for (let i = 0; i < k; i++) sumG += Math.exp(meanLog[i]!);
  const alpha0 = (k - sumG) / (2 * Math.max(1 - sumG, 1e-12));
  const alpha = meanLog.map((m) => 0.5 + Math.exp(m) * (alpha0 - 0.5));
  for (let iter = 0; iter < 10000; iter++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += alpha[i]!;
    const psiSum = digamma(s);
    let change = 0;
    for (let i = 0; i < k; i++) {
      const next = invDigamma(psiSum + meanLog[i]!);
      change = Math.max(change, Math.abs(next - alpha[i]!) / alpha[i]!);
      alpha[i] = next;
    }
    if (change <= 1e-13) break;
  }
  return alpha;
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: (k) => k,
  accumulate(stats, values, offset, k, w) {
    for (let i = 0; i < k; i++) stats[i] = stats[i]! + w * Math.log(values[offset + i]!);
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Dirichlet');
    return [fitDirichlet(stats.map((s) => s / weight))];
  },
  weightedMle(values, weights, k, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, k);
    return this.mleFromStats(stats, weight, k, options);
  },
};

export const dirichlet: DistributionSpec = {
  name: 'Dirichlet',
  description: 'A probability vector with concentrations alpha (one per entry, or one shared).',
  parameters: [
    {
      name: 'alpha',
      type: 'positive[K] | positive',
      description: 'concentration of each entry, or one symmetric concentration',
    },
  ],
  support: 'simplex[K]',
  elementwise: false,
  numerics: {
    eventSize: (params) => (typeof params[0] === 'number' ? Number.NaN : (params[0]?.length ?? Number.NaN)),
    logDensity,
    sample(rng, params, out) {
      const alpha = params[0] ?? Number.NaN;
      if (!out && typeof alpha === 'number') {
        throw new RangeError(
          'Dirichlet: a symmetric (scalar) alpha does not give K; pass an output buffer of length K',
        );
      }
      const x = out ?? new Float64Array((alpha as Float64Array).length);
      sampleDirichlet(rng, alpha, x);
      return x;
    },
    exponentialFamily,
  },
};
