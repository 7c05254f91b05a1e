/** binomial-probability: p = Σ_n w[n] x[n] / Σ_n w[n] trials[n], weighted successes over weighted trials. */
import { weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function binomialProbability(input: Weighted<number> & { readonly trials: readonly number[] }): number {
  return weightedSum(input.w, (n) => input.x[n]!) / weightedSum(input.w, (n) => input.trials[n]!);
}
