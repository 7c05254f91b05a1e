/**
 * normal-mean-map: mean = (Σ_n w[n] x[n] + m sd² / s²) / (Σ_n w[n] + sd² / s²), the mode under a
 * Normal(m, s) prior on the mean of Normal(mean, sd) factors: the prior mean as sd²/s² pseudo-observations.
 */
import { total, weightedSum } from './linalg.js';
import type { Weighted } from './types.js';

export function normalMeanMap(
  input: Weighted<number> & { readonly sd: number; readonly priorMean: number; readonly priorSd: number },
): number {
  const pseudo = input.sd ** 2 / input.priorSd ** 2;
  return (weightedSum(input.w, (n) => input.x[n]!) + input.priorMean * pseudo) / (total(input.w) + pseudo);
}
