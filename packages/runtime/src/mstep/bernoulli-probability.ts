/** bernoulli-probability: p = Σ_n w[n] x[n] / Σ_n w[n], the weighted fraction of ones. */
import { total, weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function bernoulliProbability(input: Weighted<number>): number {
  return weightedSum(input.w, (n) => input.x[n]!) / total(input.w);
}
