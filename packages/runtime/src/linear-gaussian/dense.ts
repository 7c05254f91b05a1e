/**
 * Small dense matrix helpers for the linear-Gaussian executors, on row-major `Float64Array`s,
 * writing into caller buffers so that the per-item and per-step loops do not allocate. The
 * dimensions are the latent's (L) and the observation's (D), both small.
 */
import { cholesky, inverseFromCholesky, logDetFromCholesky } from '../math/cholesky.js';

/**
 * out = op(a) · op(b), where op transposes when asked.
 * @param a shape [m, k] (or [k, m] when `ta`)
 * @param b shape [k, n] (or [n, k] when `tb`)
 * @param out shape [m, n]; must not alias a or b
 */
export function matMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
  ta = false,
  tb = false,
): void {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += (ta ? a[r * m + i]! : a[i * k + r]!) * (tb ? b[j * k + r]! : b[r * n + j]!);
      out[i * n + j] = s;
    }
}

/** a ← (a + aᵀ) / 2 for a square [d, d] matrix. */
export function symmetrize(a: Float64Array, d: number): void {
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) {
      const v = (a[i * d + j]! + a[j * d + i]!) / 2;
      a[i * d + j] = v;
      a[j * d + i] = v;
    }
}

/**
 * Factors a copy of a symmetric positive-definite A into `chol`, adding a growing ridge to the
 * diagonal (from `ridge`, ×10 up to 12 times) when A is not numerically positive definite.
 * @returns the ridge that was needed (0 when none), or -1 when no ridge helped
 */
export function choleskyWithRidge(a: ArrayLike<number>, chol: Float64Array, d: number, ridge: number): number {
  let added = 0;
  for (let attempt = 0; attempt < 13; attempt++) {
    for (let i = 0; i < d * d; i++) chol[i] = a[i]!;
    if (cholesky(chol, d, added)) return added;
    added = attempt === 0 ? Math.max(ridge, 1e-12) : added * 10;
  }
  return -1;
}

/**
 * The inverse and log-determinant of a symmetric positive-definite A (ridged if needed).
 * @param chol shape [d, d], receives the Cholesky factor
 * @param inv shape [d, d], receives A⁻¹
 * @param work shape [d]
 * @returns log |A|, or NaN when A could not be factored
 */
export function invertSpd(
  a: ArrayLike<number>,
  chol: Float64Array,
  inv: Float64Array,
  work: Float64Array,
  d: number,
  ridge: number,
): number {
  if (choleskyWithRidge(a, chol, d, ridge) < 0) return Number.NaN;
  inverseFromCholesky(chol, d, inv, work);
  return logDetFromCholesky(chol, d);
}
