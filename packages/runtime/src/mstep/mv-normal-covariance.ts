/**
 * mv-normal-covariance: Sigma = Σ_k Σ_n w_k[n] E[u[n]] (x[n] − mu_k)(x[n] − mu_k)ᵀ / Σ_k Σ_n w_k[n].
 * One component = full covariance per state; several = tied; E[u[n]] = 1 unless the covariance is
 * `Sigma / u[n]` (Student-t as a scale mixture) — note the denominator carries no E[u].
 */
import type { GaussianScaleInput } from './types.js';

/** @returns Sigma, shape [D, D], row-major */
export function mvNormalCovariance(input: GaussianScaleInput): Float64Array {
  const { scatter, weight, d } = scatterOf(input);
  return scatter.map((s) => s / weight).subarray(0, d * d);
}

/** The weighted scatter Σ w E[u] r rᵀ and the total weight Σ w (shared with the InvWishart MAP). */
export function scatterOf(input: GaussianScaleInput): { scatter: Float64Array; weight: number; d: number } {
  const d = input.x[0]?.length ?? 0;
  const scatter = new Float64Array(d * d);
  const r = new Float64Array(d);
  let weight = 0;
  for (const c of input.components) {
    input.x.forEach((row, n) => {
      const wn = c.w[n]!;
      const wu = wn * (input.u?.[n] ?? 1);
      weight += wn;
      for (let i = 0; i < d; i++) r[i] = row[i]! - c.mean[i]!;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) scatter[i * d + j]! += wu * r[i]! * r[j]!;
    });
  }
  return { scatter, weight, d };
}
