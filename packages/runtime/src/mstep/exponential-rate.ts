/** exponential-rate: rate = Σ_n w[n] / Σ_n w[n] x[n], the inverse of the weighted mean. */
import { total, weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function exponentialRate(input: Weighted<number>): number {
  return total(input.w) / weightedSum(input.w, (n) => input.x[n]!);
}
