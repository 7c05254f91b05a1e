/** gamma-rate (shape a fixed): rate = Σ_n w[n] a[n] / Σ_n w[n] x[n] — for a constant shape, a Σ_n w[n] / Σ_n w[n] x[n]. */
import { weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

/** @param shape the fixed shape, one for all items or one per item */
export function gammaRate(input: Weighted<number> & { readonly shape: number | readonly number[] }): number {
  const { shape } = input;
  const a = typeof shape === 'number' ? () => shape : (n: number) => shape[n]!;
  return weightedSum(input.w, a) / weightedSum(input.w, (n) => input.x[n]!);
}
