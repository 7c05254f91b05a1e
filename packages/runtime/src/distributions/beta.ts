/**
 * The Beta distribution: a probability with shape parameters a and b (mean a/(a+b)). Statistics
 * Σ w log x and Σ w log(1 − x). The weighted MLE is Newton's method on the concave
 * log-likelihood in (a, b), with step halving to stay positive and uphill, from the closed-form
 * start that ψ(a) ≈ log(a − ½) gives.
 */
import { digamma, lbeta, trigamma } from '../math/special.js';
import { sampleBeta } from '../random/continuous.js';
import { accumulateBatch, num, requireWeight } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const a = num(params[0]);
  const b = num(params[1]);
  if (!(a > 0) || !(b > 0) || a === Number.POSITIVE_INFINITY || b === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  if (typeof x !== 'number' || !(x >= 0 && x <= 1)) return Number.NEGATIVE_INFINITY;
  const left = a === 1 ? 0 : (a - 1) * Math.log(x);
  const right = b === 1 ? 0 : (b - 1) * Math.log1p(-x);
  return left + right - lbeta(a, b);
}

/** The weighted MLE of (a, b) from the mean logs m1 = E log x and m2 = E log(1 − x). */
export function fitBetaShapes(m1: number, m2: number): [number, number] {
  const objective = (a: number, b: number) => -lbeta(a, b) + (a - 1) * m1 + (b - 1) * m2;
  const g1 = Math.exp(m1);
  const g2 = Math.exp(m2);
  const t = 0.5 / Math.max(1 - g1 - g2, 1e-12);
  let a = 0.5 + g1 * t;
  let b = 0.5 + g2 * t;
  let f = objective(a, b);
  for (let iter = 0; iter < 200; iter++) {
    const dab = digamma(a + b);
    const ga = dab - digamma(a) + m1;
    const gb = dab - digamma(b) + m2;
    const tab = trigamma(a + b);
    const haa = tab - trigamma(a);
    const hbb = tab - trigamma(b);
    const det = haa * hbb - tab * tab;
    // Newton step −H⁻¹ g for the 2×2 Hessian [[haa, tab], [tab, hbb]].
    let da = -(hbb * ga - tab * gb) / det;
    let db = -(haa * gb - tab * ga) / det;
    let step = 1;
    let na = a + da;
    let nb = b + db;
    let nf = na > 0 && nb > 0 ? objective(na, nb) : Number.NEGATIVE_INFINITY;
    while (!(nf >= f - 1e-15 * Math.abs(f)) && step > 1e-10) {
      step /= 2;
      da /= 2;
      db /= 2;
      na = a + da;
      nb = b + db;
      nf = na > 0 && nb > 0 ? objective(na, nb) : Number.NEGATIVE_INFINITY;
    }
    if (!(nf > Number.NEGATIVE_INFINITY)) break;
    const done = Math.abs(na - a) <= 1e-13 * a && Math.abs(nb - b) <= 1e-13 * b;
    a = na;
    b = nb;
    f = nf;
    if (done) break;
  }
  return [a, b];
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: () => 2,
  accumulate(stats, values, offset, _dim, w) {
    const x = values[offset]!;
    stats[0] = stats[0]! + w * Math.log(x);
    stats[1] = stats[1]! + w * Math.log1p(-x);
  },
  mleFromStats(stats, weight) {
    requireWeight(weight, 'Beta');
    return fitBetaShapes(stats[0]! / weight, stats[1]! / weight);
  },
  weightedMle(values, weights, dim, options) {
    const { stats, weight } = accumulateBatch(this, values, weights, dim);
    return this.mleFromStats(stats, weight, dim, options);
  },
};

export const beta: DistributionSpec = {
  name: 'Beta',
  description: 'A probability with shape parameters a and b (mean a/(a+b)).',
  parameters: [
    { name: 'a', type: 'positive', description: 'first shape parameter' },
    { name: 'b', type: 'positive', description: 'second shape parameter' },
  ],
  support: 'prob',
  elementwise: true,
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample: (rng, params) => sampleBeta(rng, num(params[0]), num(params[1])),
    exponentialFamily,
  },
};
