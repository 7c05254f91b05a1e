/**
 * Dense Cholesky factorisation and what it serves: triangular solves, the log-determinant, the
 * inverse and the Mahalanobis form of a Gaussian log density. Hand-written over row-major
 * `Float64Array`s (faster than ml-matrix at the sizes EM meets, and inlinable by standalone
 * fitters); every function works in place or into a caller's buffer, so loops do not allocate.
 */

/**
 * Factors a symmetric positive-definite A = L Lᵀ in place: on success the lower triangle holds L
 * and the strict upper triangle is zeroed. `ridge` is added to the diagonal first (covariance
 * regularisation). Only the lower triangle of A is read.
 * @param a shape [d, d], row-major; overwritten (also on failure, so factor a copy if A is still needed)
 * @param d the dimension
 * @param ridge a non-negative value added to every diagonal entry before factoring
 * @returns false when A (+ ridge) is not numerically positive definite
 */
export function cholesky(a: Float64Array, d: number, ridge = 0): boolean {
  for (let j = 0; j < d; j++) {
    const jj = j * d;
    let s = a[jj + j]! + ridge;
    for (let k = 0; k < j; k++) s -= a[jj + k]! * a[jj + k]!;
    if (!(s > 0) || !Number.isFinite(s)) return false;
    const ljj = Math.sqrt(s);
    a[jj + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const ii = i * d;
      let t = a[ii + j]!;
      for (let k = 0; k < j; k++) t -= a[ii + k]! * a[jj + k]!;
      a[ii + j] = t / ljj;
    }
    for (let k = j + 1; k < d; k++) a[jj + k] = 0;
  }
  return true;
}

/**
 * Copies A into `out` and factors the copy, leaving A intact.
 * @param a shape [d, d], row-major
 * @param out shape [d, d], receives L
 */
export function choleskyInto(a: ArrayLike<number>, out: Float64Array, d: number, ridge = 0): boolean {
  for (let i = 0; i < d * d; i++) out[i] = a[i]!;
  return cholesky(out, d, ridge);
}

/**
 * Solves L y = b in place (forward substitution).
 * @param l shape [d, d], lower triangular, row-major
 * @param b shape [d], read from `offset`; overwritten by y
 */
export function solveLower(l: Float64Array, d: number, b: Float64Array, offset = 0): void {
  for (let i = 0; i < d; i++) {
    let s = b[offset + i]!;
    const ii = i * d;
    for (let k = 0; k < i; k++) s -= l[ii + k]! * b[offset + k]!;
    b[offset + i] = s / l[ii + i]!;
  }
}

/**
 * Solves Lᵀ x = b in place (back substitution with the transpose of a lower factor).
 * @param l shape [d, d], lower triangular, row-major
 * @param b shape [d], read from `offset`; overwritten by x
 */
export function solveLowerTransposed(l: Float64Array, d: number, b: Float64Array, offset = 0): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = b[offset + i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * b[offset + k]!;
    b[offset + i] = s / l[i * d + i]!;
  }
}

/**
 * Solves A x = b with A = L Lᵀ, in place.
 * @param l shape [d, d], the Cholesky factor of A
 * @param b shape [d]; overwritten by x
 */
export function solveCholesky(l: Float64Array, d: number, b: Float64Array, offset = 0): void {
  solveLower(l, d, b, offset);
  solveLowerTransposed(l, d, b, offset);
}

/** log |A| = 2 Σ log L_ii from the Cholesky factor L of A (shape [d, d]). */
export function logDetFromCholesky(l: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(l[i * d + i]!);
  return 2 * s;
}

/**
 * A⁻¹ from the Cholesky factor of A, written into `out` (symmetric, both triangles filled).
 * @param l shape [d, d]
 * @param out shape [d, d]
 * @param work shape [d], scratch
 */
export function inverseFromCholesky(l: Float64Array, d: number, out: Float64Array, work: Float64Array): void {
  for (let j = 0; j < d; j++) {
    work.fill(0);
    work[j] = 1;
    solveCholesky(l, d, work);
    for (let i = 0; i < d; i++) out[i * d + j] = work[i]!;
  }
}

/**
 * (x − mean)ᵀ A⁻¹ (x − mean) from the Cholesky factor of A, without allocating.
 * @param x shape [d], read from `xOffset`
 * @param mean shape [d], read from `meanOffset`
 * @param l shape [d, d], the Cholesky factor of A
 * @param work shape [d], scratch
 */
export function mahalanobis(
  x: ArrayLike<number>,
  xOffset: number,
  mean: ArrayLike<number>,
  meanOffset: number,
  l: Float64Array,
  d: number,
  work: Float64Array,
): number {
  for (let i = 0; i < d; i++) work[i] = x[xOffset + i]! - mean[meanOffset + i]!;
  solveLower(l, d, work);
  let q = 0;
  for (let i = 0; i < d; i++) q += work[i]! * work[i]!;
  return q;
}
