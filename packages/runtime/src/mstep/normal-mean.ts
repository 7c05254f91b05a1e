/** normal-mean: mean = Σ_n w[n] x[n] / Σ_n w[n], the weighted mean (elementwise for a vector child). */
import { total, weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function normalMean(input: Weighted<number>): number {
  return weightedSum(input.w, (n) => input.x[n]!) / total(input.w);
}
