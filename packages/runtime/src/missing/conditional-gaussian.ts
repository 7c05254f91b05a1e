/**
 * The conditional-Gaussian kernels of the missing-data E-step, for one missingness pattern
 * (observed coordinates o, missing ones m) and one component N(μ, Σ):
 *
 *   log N(x_o | μ_o, Σ_oo)                          the row's observed-data log density
 *   E[x_m | x_o] = μ_m + B (x_o − μ_o),   B = Σ_mo Σ_oo⁻¹
 *   Cov[x_m | x_o] = C = Σ_mm − B Σ_om
 *
 * `factorPattern` computes L = chol(Σ_oo), B, C and the normalising constant once per pattern
 * and component; `observedLogDensity` and `conditionalMean` then cost O(o²) and O(m·o) per row.
 * Everything lives in caller-owned Float64Arrays: no allocation per row.
 */
import { cholesky, solveCholesky, solveLower } from '../math/cholesky.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Buffers of one component's factorisation for the current pattern, each sized [d, d] so any
 * pattern fits; the matrices are packed with the pattern's own strides.
 */
export interface PatternFactor {
  /** shape [o, o], row-major: the Cholesky factor of Σ_oo (lower triangle). */
  readonly l: Float64Array;
  /** shape [m, o], row-major: B = Σ_mo Σ_oo⁻¹. */
  readonly b: Float64Array;
  /** shape [m, m], row-major: the conditional covariance C (both triangles). */
  readonly c: Float64Array;
  /** −½ o log 2π − Σ log L_ii; −∞ when Σ_oo is not positive definite. */
  logNorm: number;
}

export function makePatternFactor(d: number): PatternFactor {
  return {
    l: new Float64Array(d * d),
    b: new Float64Array(d * d),
    c: new Float64Array(d * d),
    logNorm: 0,
  };
}

/**
 * Factors one pattern of one component into `f`.
 * @param cov shape [d, d] at `at`: the component's full covariance Σ
 * @param observed the pattern's observed coordinates (o of them, o ≥ 1)
 * @param missing the pattern's missing coordinates (m of them)
 * @returns false (and logNorm −∞) when Σ_oo is not numerically positive definite
 */
export function factorPattern(
  cov: Float64Array,
  at: number,
  d: number,
  observed: Int32Array,
  missing: Int32Array,
  f: PatternFactor,
): boolean {
  const o = observed.length;
  const m = missing.length;
  const { l, b, c } = f;
  for (let i = 0; i < o; i++) {
    const row = at + observed[i]! * d;
    for (let j = 0; j <= i; j++) l[i * o + j] = cov[row + observed[j]!]!;
  }
  if (!cholesky(l, o)) {
    f.logNorm = Number.NEGATIVE_INFINITY;
    return false;
  }
  let logDet = 0;
  for (let i = 0; i < o; i++) logDet += Math.log(l[i * o + i]!);
  f.logNorm = -0.5 * o * LOG_2PI - logDet;
  // Row a of B solves Σ_oo bᵀ = Σ_o,a (Σ symmetric, so Σ_a,o read along row a).
  for (let a = 0; a < m; a++) {
    const row = at + missing[a]! * d;
    for (let j = 0; j < o; j++) b[a * o + j] = cov[row + observed[j]!]!;
    solveCholesky(l, o, b, a * o);
  }
  for (let a = 0; a < m; a++) {
    const row = at + missing[a]! * d;
    for (let a2 = 0; a2 <= a; a2++) {
      let s = cov[row + missing[a2]!]!;
      const col = missing[a2]!;
      for (let j = 0; j < o; j++) s -= b[a * o + j]! * cov[at + observed[j]! * d + col]!;
      c[a * m + a2] = s;
      c[a2 * m + a] = s;
    }
  }
  return true;
}

/**
 * log N(x_o | μ_o, Σ_oo) of one row; leaves the residual x_o − μ_o in `resid[0 .. o)`.
 * @param x the data, row at `xAt` (shape [d])
 * @param mean the component mean at `meanAt` (shape [d])
 * @param resid shape [d], receives the residual on the observed coordinates
 * @param work shape [d], scratch
 */
export function observedLogDensity(
  x: Float64Array,
  xAt: number,
  mean: Float64Array,
  meanAt: number,
  observed: Int32Array,
  f: PatternFactor,
  resid: Float64Array,
  work: Float64Array,
): number {
  const o = observed.length;
  for (let j = 0; j < o; j++) {
    const r = x[xAt + observed[j]!]! - mean[meanAt + observed[j]!]!;
    resid[j] = r;
    work[j] = r;
  }
  solveLower(f.l, o, work);
  let q = 0;
  for (let j = 0; j < o; j++) q += work[j]! * work[j]!;
  return f.logNorm - 0.5 * q;
}

/**
 * The completed row x̂: x on the observed coordinates, E[x_m | x_o] = μ_m + B r on the missing
 * ones, where r = x_o − μ_o is the residual `observedLogDensity` left in `resid`.
 * @param out shape [d], receives x̂
 */
export function conditionalMean(
  x: Float64Array,
  xAt: number,
  mean: Float64Array,
  meanAt: number,
  observed: Int32Array,
  missing: Int32Array,
  f: PatternFactor,
  resid: Float64Array,
  out: Float64Array,
): void {
  const o = observed.length;
  for (let j = 0; j < o; j++) out[observed[j]!] = x[xAt + observed[j]!]!;
  const b = f.b;
  for (let a = 0; a < missing.length; a++) {
    let s = mean[meanAt + missing[a]!]!;
    for (let j = 0; j < o; j++) s += b[a * o + j]! * resid[j]!;
    out[missing[a]!] = s;
  }
}
