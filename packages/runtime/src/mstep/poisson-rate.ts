/** poisson-rate: rate = Σ_n w[n] x[n] / Σ_n w[n], the weighted mean of the counts. */
import { total, weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function poissonRate(input: Weighted<number>): number {
  return weightedSum(input.w, (n) => input.x[n]!) / total(input.w);
}
