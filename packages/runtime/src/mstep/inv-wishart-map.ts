/**
 * inv-wishart-map: Sigma = (S + Psi) / (Σ w + nu + D + 1), the mode under an InvWishart(nu, Psi) prior,
 * where S = Σ_k Σ_n w_k[n] E[u[n]] (x[n] − mu_k)(x[n] − mu_k)ᵀ is the scatter of mv-normal-covariance.
 */
import { scatterOf } from './mv-normal-covariance.js';
import type { GaussianScaleInput } from './types.js';

/**
 * @param scale Psi, shape [D, D], row-major
 * @returns Sigma, shape [D, D], row-major
 */
export function invWishartMap(
  input: GaussianScaleInput & { readonly nu: number; readonly scale: ArrayLike<number> },
): Float64Array {
  const { scatter, weight, d } = scatterOf(input);
  return scatter.map((s, i) => (s + input.scale[i]!) / (weight + input.nu + d + 1));
}
