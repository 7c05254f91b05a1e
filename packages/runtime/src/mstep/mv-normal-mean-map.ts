/**
 * mv-normal-mean-map: the mode in the mean of Σ_n w[n] log MvNormal(x[n] | mu, Σ) + log N(mu | m0, S0)
 * at a given covariance Σ (a Gaussian prior that does not involve Σ is conjugate given Σ):
 *
 *   (W Σ⁻¹ + S0⁻¹) mu = Σ⁻¹ Σ_n w[n] x[n] + S0⁻¹ m0,   W = Σ_n w[n],
 *
 * solved multiplied through by Σ, (W I + Σ P0) mu = Σ_n w[n] x[n] + Σ P0 m0 with P0 = S0⁻¹ (the
 * matrix is Σ (W Σ⁻¹ + P0), a product of positive definite matrices, so it is invertible), by
 * Gaussian elimination with partial pivoting. The caller gives P0 (the inverse of an MvNormal
 * prior's covariance, or diag(1 / s0²) for Normal(m0, s0) elementwise).
 */
import type { Weighted } from './types.js';

export interface MvNormalMeanMapInput extends Weighted<readonly number[]> {
  /** The likelihood covariance Σ, D × D row-major. */
  readonly cov: ArrayLike<number>;
  /** The prior mean m0 (D). */
  readonly priorMean: ArrayLike<number>;
  /** The prior precision P0 = S0⁻¹, D × D row-major. */
  readonly priorPrecision: ArrayLike<number>;
}

export function mvNormalMeanMap(input: MvNormalMeanMapInput): number[] {
  const { cov, priorMean, priorPrecision: p0 } = input;
  const d = priorMean.length;
  let weight = 0;
  const sum = new Array<number>(d).fill(0);
  input.x.forEach((row, n) => {
    const wn = input.w[n]!;
    weight += wn;
    for (let j = 0; j < d; j++) sum[j]! += wn * row[j]!;
  });
  // a = W I + Σ P0 (d × d), b = Σ w x + Σ P0 m0; rows of [a | b] in `m`.
  const m = Array.from({ length: d }, (_, i) => {
    const out = new Array<number>(d + 1).fill(0);
    for (let j = 0; j < d; j++) {
      let sp = 0;
      for (let l = 0; l < d; l++) sp += cov[i * d + l]! * p0[l * d + j]!;
      out[j] = sp + (i === j ? weight : 0);
    }
    let spm = 0;
    for (let l = 0; l < d; l++) {
      let pm = 0;
      for (let j = 0; j < d; j++) pm += p0[l * d + j]! * priorMean[j]!;
      spm += cov[i * d + l]! * pm;
    }
    out[d] = sum[i]! + spm;
    return out;
  });
  return solveAugmented(m, d);
}

/** Solves the d × d system held as rows [a | b] (modified in place) by elimination with partial pivoting. */
function solveAugmented(m: number[][], d: number): number[] {
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const row = m[c]!;
    for (let r = c + 1; r < d; r++) {
      const f = m[r]![c]! / row[c]!;
      if (f === 0) continue;
      for (let j = c; j <= d; j++) m[r]![j]! -= f * row[j]!;
    }
  }
  const x = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = m[r]![d]!;
    for (let j = r + 1; j < d; j++) s -= m[r]![j]! * x[j]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** The precision matrix of a prior covariance S0 (D × D, symmetric positive definite), by the same elimination. */
export function priorPrecision(s0: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const m = Array.from({ length: d }, (_, i) => {
      const row = new Array<number>(d + 1);
      for (let l = 0; l < d; l++) row[l] = s0[i * d + l]!;
      row[d] = i === j ? 1 : 0;
      return row;
    });
    const col = solveAugmented(m, d);
    for (let i = 0; i < d; i++) out[i * d + j] = col[i]!;
  }
  return out;
}
