/**
 * regression-coefficients: weighted least squares for y[n] ~ Normal(X[n] · beta, sd) with item weights
 * w[n] (R = diag(w)): beta = (Xᵀ R X)⁻¹ Xᵀ R y, and sd² = Σ_n w[n] (y[n] − X[n] · beta)² / Σ_n w[n].
 */
import { solveRight, total, weightedSum } from './linalg.js';

export function regressionCoefficients(input: {
  /** Covariates, shape [N, P]. */
  readonly x: readonly (readonly number[])[];
  readonly y: readonly number[];
  readonly w: readonly number[];
}): { coefficients: number[]; sd: number } {
  const p = input.x[0]?.length ?? 0;
  const xtrx = new Float64Array(p * p);
  const xtry = new Float64Array(p);
  input.x.forEach((row, n) => {
    const wn = input.w[n]!;
    for (let i = 0; i < p; i++) {
      xtry[i]! += wn * row[i]! * input.y[n]!;
      for (let j = 0; j < p; j++) xtrx[i * p + j]! += wn * row[i]! * row[j]!;
    }
  });
  // beta as a row: beta (Xᵀ R X) = (Xᵀ R y)ᵀ, the matrix being symmetric.
  const coefficients = Array.from(solveRight(xtrx, xtry, p));
  const fitted = (n: number) => input.x[n]!.reduce((s, v, j) => s + v * coefficients[j]!, 0);
  const sd = Math.sqrt(weightedSum(input.w, (n) => (input.y[n]! - fitted(n)) ** 2) / total(input.w));
  return { coefficients, sd };
}
