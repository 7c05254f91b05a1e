/** Small dense linear-algebra helpers for the M-step updates (row-major `Float64Array`s); solves go through ml-matrix. */
import { Matrix, solve } from 'ml-matrix';

/** Σ_n w[n] f(n). */
export function weightedSum(w: readonly number[], f: (n: number) => number): number {
  let s = 0;
  for (let n = 0; n < w.length; n++) s += w[n]! * f(n);
  return s;
}

/** Σ_n w[n]. */
export function total(w: readonly number[]): number {
  return weightedSum(w, () => 1);
}

/**
 * Solves X A = B for X, with A symmetric positive definite.
 * @param a shape [p, p], row-major
 * @param b shape [r, p], row-major
 * @returns X, shape [r, p], row-major
 */
export function solveRight(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const r = b.length / p;
  const am = new Matrix(p, p);
  const bm = new Matrix(p, r);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) am.set(i, j, a[i * p + j]!);
  // X A = B  ⇔  Aᵀ Xᵀ = Bᵀ, and A is symmetric.
  for (let i = 0; i < r; i++) for (let j = 0; j < p; j++) bm.set(j, i, b[i * p + j]!);
  const xt = solve(am, bm);
  const out = new Float64Array(r * p);
  for (let i = 0; i < r; i++) for (let j = 0; j < p; j++) out[i * p + j] = xt.get(j, i);
  return out;
}
