/** multinomial-probabilities: p[m] = Σ_n w[n] x[n,m] / Σ_n Σ_j w[n] x[n,j], the expected category totals normalised. */
import type { Weighted } from './types.js';

export function multinomialProbabilities(input: Weighted<readonly number[]>): number[] {
  const m = input.x[0]?.length ?? 0;
  const totals = new Array<number>(m).fill(0);
  input.x.forEach((row, n) => {
    for (let j = 0; j < m; j++) totals[j]! += input.w[n]! * row[j]!;
  });
  const sum = totals.reduce((a, b) => a + b, 0);
  return totals.map((t) => t / sum);
}
