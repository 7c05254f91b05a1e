/**
 * beta-map: p = (Σ_n w[n] x[n] + a − 1) / (Σ_n w[n] trials[n] + a + b − 2), the mode under a Beta(a, b)
 * prior on a Bernoulli (trials = 1) or Binomial p: a − 1 extra successes, b − 1 extra failures.
 */
import { weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function betaMap(
  input: Weighted<number> & { readonly trials?: readonly number[]; readonly a: number; readonly b: number },
): number {
  const successes = weightedSum(input.w, (n) => input.x[n]!);
  const trials = weightedSum(input.w, (n) => input.trials?.[n] ?? 1);
  return (successes + input.a - 1) / (trials + input.a + input.b - 2);
}
