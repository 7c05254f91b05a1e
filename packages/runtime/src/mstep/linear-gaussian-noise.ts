/**
 * linear-gaussian-noise: psi[d]² = Σ_n w[n] E[(x[n,d] − mu[d] − W[d,] f[n])²] / Σ_n w[n] (diagonal, FA),
 * or psi² = Σ_n w[n] E[‖x[n] − mu − W f[n]‖²] / (D Σ_n w[n]) (spherical, PPCA), where
 * E[(x − mu − W f)²]_d = (x_d − mu_d)² − 2 (x_d − mu_d) W[d,] E[f] + W[d,] E[f fᵀ] W[d,]ᵀ.
 *
 * This per-item form is the rule's reference (the planner's self-check runs it); the executor
 * (linear-gaussian/term-update.ts) computes the noise from statistics summed over items.
 */
import type { LatentMoments } from './linear-gaussian-mean.js';

/**
 * @param loadings W, shape [D, L], row-major
 * @returns the noise sd per entry (diagonal) or one sd (spherical)
 */
export function linearGaussianNoise(
  input: LatentMoments & {
    readonly loadings: Float64Array;
    readonly offset: ArrayLike<number>;
    readonly form: 'diagonal' | 'spherical';
  },
): number | number[] {
  const d = input.x[0]?.length ?? 0;
  const l = input.ef[0]?.length ?? 0;
  const W = (i: number, j: number) => input.loadings[i * l + j]!;
  const squares = new Array<number>(d).fill(0);
  let weight = 0;
  input.x.forEach((row, n) => {
    const wn = input.w?.[n] ?? 1;
    const ef = input.ef[n]!;
    const eff = input.eff[n]!;
    weight += wn;
    for (let i = 0; i < d; i++) {
      const r = row[i]! - input.offset[i]!;
      let wf = 0;
      let wffw = 0;
      for (let a = 0; a < l; a++) {
        wf += W(i, a) * ef[a]!;
        for (let b = 0; b < l; b++) wffw += W(i, a) * eff[a]![b]! * W(i, b);
      }
      squares[i]! += wn * (r * r - 2 * r * wf + wffw);
    }
  });
  if (input.form === 'diagonal') return squares.map((s) => Math.sqrt(s / weight));
  return Math.sqrt(squares.reduce((a, b) => a + b, 0) / (d * weight));
}
