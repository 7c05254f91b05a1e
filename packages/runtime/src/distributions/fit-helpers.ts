/**
 * Small helpers the distribution files share: reading scalar and vector parameters, accumulating
 * a batch into statistics, finding a prior by parameter, and the guard for an empty component.
 */
import { cholesky, logDetFromCholesky } from '../math/cholesky.js';
import type { ExponentialFamilyNumerics, FitOptions, NumericValue, PriorOn } from './numerics.js';

/** A scalar parameter; NaN when a vector was passed (the density then returns −∞). */
export function num(v: NumericValue | undefined): number {
  return typeof v === 'number' ? v : Number.NaN;
}

/** A vector parameter; an empty array when a scalar was passed. */
export function vec(v: NumericValue | undefined): Float64Array {
  return v instanceof Float64Array ? v : new Float64Array(0);
}

/** True for a finite integer ≥ 0. */
export function isCount(x: number): boolean {
  return Number.isInteger(x) && x >= 0;
}

/** Accumulates every item of a batch into fresh statistics: the shared body of `weightedMle`. */
export function accumulateBatch(
  ef: Pick<ExponentialFamilyNumerics, 'statSize' | 'accumulate'>,
  values: Float64Array,
  weights: Float64Array,
  dim: number,
  stride: number = dim,
): { stats: Float64Array; weight: number } {
  const stats = new Float64Array(ef.statSize(dim));
  let weight = 0;
  for (let n = 0; n < weights.length; n++) {
    const w = weights[n]!;
    if (w === 0) continue;
    ef.accumulate(stats, values, n * stride, dim, w);
    weight += w;
  }
  return { stats, weight };
}

/** Throws when a component has no weight: the EM driver must re-seed it before the M-step. */
export function requireWeight(weight: number, family: string): void {
  if (!(weight > 0)) {
    throw new RangeError(
      `${family} M-step with total weight ${weight}: the component is empty; re-seed it before updating`,
    );
  }
}

/** The prior on `parameter`, if one is given. Throws on a prior family the update does not know. */
export function findPrior(
  priors: readonly PriorOn[],
  parameter: string,
  families: readonly string[],
  likelihood: string,
): PriorOn | undefined {
  const prior = priors.find((p) => p.parameter === parameter);
  if (prior && !families.includes(prior.family)) {
    throw new RangeError(
      `${likelihood}: no conjugate update for a ${prior.family} prior on '${parameter}' (expected ${families.join(' or ')})`,
    );
  }
  return prior;
}

/** A known parameter from the options; throws naming it when missing. */
export function knownScalar(options: FitOptions | undefined, index: number, family: string, name: string): number {
  const v = options?.known?.[index];
  if (typeof v !== 'number') throw new RangeError(`${family}: '${name}' is not estimated; pass it in options.known`);
  return v;
}

/** Clamps to [0, 1]: a conjugate mode with a concentration below 1 can land outside, and the mode is then on the boundary. */
export function clamp01(x: number): number {
  return Math.min(Math.max(x, 0), 1);
}

/**
 * The mode of a Dirichlet-posterior over a simplex: p[k] ∝ max(counts[k] + alpha[k] − 1, 0); with
 * no prior (alpha = 1) the relative frequencies. Uniform when every entry is 0 (no information).
 * @param counts shape [K]
 * @param alpha shape [K], or a symmetric concentration
 */
export function simplexMode(counts: Float64Array, alpha: number | Float64Array): Float64Array {
  const k = counts.length;
  const p = new Float64Array(k);
  let s = 0;
  for (let i = 0; i < k; i++) {
    const a = typeof alpha === 'number' ? alpha : alpha[i]!;
    const v = Math.max(counts[i]! + a - 1, 0);
    p[i] = v;
    s += v;
  }
  for (let i = 0; i < k; i++) p[i] = s > 0 ? p[i]! / s : 1 / k;
  return p;
}

/**
 * The Cholesky factor and log-determinant of a covariance parameter, or undefined when it is not
 * a d×d positive-definite matrix (the density is then −∞).
 * @param cov shape [d, d], row-major
 */
export function factorCovariance(cov: Float64Array, d: number): { chol: Float64Array; logDet: number } | undefined {
  if (cov.length !== d * d) return undefined;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const a = cov[i * d + j]!;
      const b = cov[j * d + i]!;
      if (Math.abs(a - b) > 1e-9 * (Math.abs(a) + Math.abs(b)) + 1e-300) return undefined;
    }
  }
  const chol = new Float64Array(cov);
  if (!cholesky(chol, d)) return undefined;
  return { chol, logDet: logDetFromCholesky(chol, d) };
}
