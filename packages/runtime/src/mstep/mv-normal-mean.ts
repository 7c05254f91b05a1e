/** mv-normal-mean: mu = Σ_n w[n] E[u[n]] x[n] / Σ_n w[n] E[u[n]], the weighted mean (E[u] = 1 without a latent precision). */
import type { Weighted } from './types.js';

/** @param u expected precision scales E[u[n]] when the covariance is `Sigma / u[n]` */
export function mvNormalMean(input: Weighted<readonly number[]> & { readonly u?: readonly number[] }): number[] {
  const d = input.x[0]?.length ?? 0;
  const sum = new Array<number>(d).fill(0);
  let weight = 0;
  input.x.forEach((row, n) => {
    const wn = input.w[n]! * (input.u?.[n] ?? 1);
    weight += wn;
    for (let j = 0; j < d; j++) sum[j]! += wn * row[j]!;
  });
  return sum.map((s) => s / weight);
}
