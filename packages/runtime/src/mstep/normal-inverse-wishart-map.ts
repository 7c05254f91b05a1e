/**
 * normal-inverse-wishart-map: the joint mode of a Gaussian component's (mu, Sigma) under the
 * normal-inverse-Wishart prior Sigma ~ InvWishart(nu, Psi), mu | Sigma ~ MvNormal(m0, Sigma / kappa):
 *
 *   N = Σ_n w[n],  x̄ = Σ_n w[n] x[n] / N,  S = Σ_n w[n] (x[n] − x̄)(x[n] − x̄)ᵀ
 *   mu    = (kappa m0 + N x̄) / (kappa + N)
 *   Sigma = (Psi + S + kappa N / (kappa + N) (x̄ − m0)(x̄ − m0)ᵀ) / (nu + N + D + 2)
 *
 * The joint mode in (mu, Sigma): the log posterior has −(N + 1 + nu + D + 1)/2 log|Sigma| (the
 * likelihood's N, the mean prior's 1, the InvWishart's nu + D + 1), hence D + 2; the marginal
 * mode of Sigma alone would have D + 1. Both are functions of the weights alone (no current mu).
 */
import type { Weighted } from './types.js';

export interface NormalInverseWishartInput extends Weighted<readonly number[]> {
  readonly m0: ArrayLike<number>;
  readonly kappa: number;
  readonly nu: number;
  /** Psi, shape [D, D], row-major. */
  readonly scale: ArrayLike<number>;
}

/** @returns the mean (length D) and the covariance (shape [D, D], row-major) */
export function normalInverseWishartMap(input: NormalInverseWishartInput): { mean: Float64Array; cov: Float64Array } {
  const { x, w, m0, kappa, nu, scale } = input;
  const d = m0.length;
  let weight = 0;
  const xbar = new Float64Array(d);
  x.forEach((row, n) => {
    weight += w[n]!;
    for (let j = 0; j < d; j++) xbar[j]! += w[n]! * row[j]!;
  });
  if (weight > 0) for (let j = 0; j < d; j++) xbar[j]! /= weight;
  const cov = new Float64Array(d * d);
  x.forEach((row, n) => {
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) cov[i * d + j]! += w[n]! * (row[i]! - xbar[i]!) * (row[j]! - xbar[j]!);
  });
  const shrink = (kappa * weight) / (kappa + weight);
  const denominator = nu + weight + d + 2;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const ij = i * d + j;
      cov[ij] = (scale[ij]! + cov[ij]! + shrink * (xbar[i]! - m0[i]!) * (xbar[j]! - m0[j]!)) / denominator;
    }
  const mean = Float64Array.from(xbar, (v, j) => (kappa * m0[j]! + weight * v) / (kappa + weight));
  return { mean, cov };
}
