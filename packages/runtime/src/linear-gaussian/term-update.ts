/**
 * The closed-form M-step of one Gaussian statement `y ~ N(B · z + b, noise)` with z a
 * linear-Gaussian latent (FA's x given f, a Kalman transition or emission), from expected
 * sufficient statistics of y and the augmented regressor ẑ = (z, 1):
 *   Syy = Σ w E[y yᵀ],  Syz = Σ w E[y ẑᵀ],  Szz = Σ w E[ẑ ẑᵀ],  n = Σ w.
 * With Z = [B b] (d × (q + 1)) the free columns are a regression given the known ones,
 *   Z_F = (Syz_F − Z_K Szz_KF) Szz_FF⁻¹
 * (both free: [B b] = Syz Szz⁻¹; this supersedes mstep/linear-gaussian-mean.ts, which takes
 * per-item moments), and the noise follows from the expected residual scatter at the new Z,
 *   S = Syy − Syz Zᵀ − Z Syzᵀ + Z Szz Zᵀ:
 * covariance S / n (full), sd² = S_ii / n (diagonal), sd² = tr S / (d n) (spherical), as in
 * mstep/linear-gaussian-noise.ts. The mean's regression does not depend on the noise (common
 * regressors), so updating it first and the noise at it is the exact joint maximiser.
 */

import { cholesky } from '../math/cholesky.js';
import { solveRight } from '../mstep/linalg.js';

/** Expected sufficient statistics of one statement; y has d entries, the regressor z has q (+1 for the offset). */
export class TermStats {
  readonly p: number;
  readonly syy: Float64Array;
  readonly syz: Float64Array;
  readonly szz: Float64Array;
  n = 0;

  constructor(
    readonly d: number,
    readonly q: number,
  ) {
    this.p = q + 1;
    this.syy = new Float64Array(d * d);
    this.syz = new Float64Array(d * this.p);
    this.szz = new Float64Array(this.p * this.p);
  }

  reset(): void {
    this.syy.fill(0);
    this.syz.fill(0);
    this.szz.fill(0);
    this.n = 0;
  }

  /** this += other (pooling components that share a param). */
  add(other: TermStats): void {
    for (let i = 0; i < this.syy.length; i++) this.syy[i]! += other.syy[i]!;
    for (let i = 0; i < this.syz.length; i++) this.syz[i]! += other.syz[i]!;
    for (let i = 0; i < this.szz.length; i++) this.szz[i]! += other.szz[i]!;
    this.n += other.n;
  }
}

/**
 * Regresses the free columns of Z on the statistics, in place.
 * @param z shape [d, q + 1]: the current [B b], known columns kept
 * @param free which columns are free (length q + 1)
 */
export function regressFreeColumns(stats: TermStats, z: Float64Array, free: readonly boolean[]): void {
  const { d, p } = stats;
  const F = free.flatMap((f, j) => (f ? [j] : []));
  const K = free.flatMap((f, j) => (f ? [] : [j]));
  if (F.length === 0) return;
  const f = F.length;
  const a = new Float64Array(f * f);
  const rhs = new Float64Array(d * f);
  for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) a[i * f + j] = stats.szz[F[i]! * p + F[j]!]!;
  for (let r = 0; r < d; r++)
    for (let j = 0; j < f; j++) {
      let s = stats.syz[r * p + F[j]!]!;
      for (const k of K) s -= z[r * p + k]! * stats.szz[k * p + F[j]!]!;
      rhs[r * f + j] = s;
    }
  const solved = solveRight(a, rhs, f);
  for (let r = 0; r < d; r++) for (let j = 0; j < f; j++) z[r * p + F[j]!] = solved[r * f + j]!;
}

/**
 * The expected residual scatter S = Syy − Syz Zᵀ − Z Syzᵀ + Z Szz Zᵀ, added into `out`.
 * @param z shape [d, q + 1]
 * @param out shape [d, d]
 */
export function addResidualScatter(stats: TermStats, z: Float64Array, out: Float64Array): void {
  const { d, p } = stats;
  const zs = new Float64Array(d * p); // Z Szz
  for (let i = 0; i < d; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += z[i * p + k]! * stats.szz[k * p + j]!;
      zs[i * p + j] = s;
    }
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = stats.syy[i * d + j]!;
      for (let k = 0; k < p; k++)
        s +=
          -stats.syz[i * p + k]! * z[j * p + k]! -
          z[i * p + k]! * stats.syz[j * p + k]! +
          zs[i * p + k]! * z[j * p + k]!;
      out[i * d + j]! += s;
    }
}

/**
 * The noise maximising the expected log-likelihood given the scatter S over n weighted items,
 * written into `out`: the covariance S / n (full, regularised by `ridge` on the diagonal only
 * when not positive definite), one sd per coordinate (diagonal) or one sd (spherical); a
 * variance is never set below `floor`.
 * @returns whether a regularisation was needed
 */
export function noiseFromScatter(
  form: 'full' | 'diagonal' | 'spherical',
  scatter: Float64Array,
  n: number,
  d: number,
  out: Float64Array,
  floor: number,
  ridge: number,
): boolean {
  if (form === 'spherical') {
    let t = 0;
    for (let i = 0; i < d; i++) t += scatter[i * d + i]!;
    const v = t / (d * n);
    out[0] = Math.sqrt(Math.max(v, floor));
    return !(v >= floor);
  }
  if (form === 'diagonal') {
    let floored = false;
    for (let i = 0; i < d; i++) {
      const v = scatter[i * d + i]! / n;
      if (!(v >= floor)) floored = true;
      out[i] = Math.sqrt(Math.max(v, floor));
    }
    return floored;
  }
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = (scatter[i * d + j]! + scatter[j * d + i]!) / (2 * n);
  const copy = Float64Array.from(out.subarray(0, d * d));
  if (cholesky(copy, d)) return false;
  for (let i = 0; i < d; i++) out[i * d + i]! += Math.max(ridge, floor);
  return true;
}

/**
 * The covariance a noise value stands for, into `out` [d, d]: the matrix itself (full), or
 * diag(sd²) with one sd per coordinate (diagonal) or one for all (spherical).
 */
export function noiseCovariance(
  form: 'full' | 'diagonal' | 'spherical',
  value: ArrayLike<number>,
  d: number,
  out: Float64Array,
): void {
  if (form === 'full') {
    for (let i = 0; i < d * d; i++) out[i] = value[i]!;
    return;
  }
  out.fill(0, 0, d * d);
  for (let i = 0; i < d; i++) {
    const sd = form === 'diagonal' ? value[i]! : value[0]!;
    out[i * d + i] = sd * sd;
  }
}
