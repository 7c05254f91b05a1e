/**
 * gamma-map: the mode under a Gamma(a, b) prior (shape a, rate b) on a rate —
 * Poisson: rate = (Σ_n w[n] x[n] + a − 1) / (Σ_n w[n] + b);
 * Exponential: rate = (Σ_n w[n] + a − 1) / (Σ_n w[n] x[n] + b).
 */
import { total, weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function gammaMap(
  input: Weighted<number> & { readonly likelihood: 'Poisson' | 'Exponential'; readonly a: number; readonly b: number },
): number {
  const values = weightedSum(input.w, (n) => input.x[n]!);
  const weight = total(input.w);
  return input.likelihood === 'Poisson'
    ? (values + input.a - 1) / (weight + input.b)
    : (weight + input.a - 1) / (values + input.b);
}
