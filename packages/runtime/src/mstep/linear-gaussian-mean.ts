/**
 * linear-gaussian-mean: the loadings W and offset mu of x[n] ~ Normal(W f[n] + mu, psi) jointly,
 * [W, mu] = (Σ_n w[n] x[n] E[(f,1)]ᵀ) (Σ_n w[n] E[(f,1)(f,1)ᵀ])⁻¹ — a regression of x on the posterior
 * moments of the linear-Gaussian latent f (FA, PPCA; w = responsibilities q(z)[n,k] for a mixture of
 * them, the moments then being those given state k). Without an offset (`x ~ Normal(C f, …)`):
 * W = (Σ w x E[f]ᵀ)(Σ w E[f fᵀ])⁻¹. When the child is itself latent (a Kalman transition
 * `f[t] ~ Normal(A f[t − 1], …)`), x E[f]ᵀ is replaced by the joint moment E[x fᵀ].
 *
 * This per-item form is the rule's reference (the planner's self-check runs it); the executor
 * (linear-gaussian/term-update.ts) computes the loadings and offset from statistics summed over items.
 */
import { solveRight } from './linalg.js';

export interface LatentMoments {
  /** Data (or E[x] for a latent child), shape [N, D]. */
  readonly x: readonly (readonly number[])[];
  /** Posterior means E[f[n]], shape [N, L]. */
  readonly ef: readonly (readonly number[])[];
  /** Posterior second moments E[f[n] f[n]ᵀ], shape [N, L, L]. */
  readonly eff: readonly (readonly (readonly number[])[])[];
  /** Item weights; omitted means 1. */
  readonly w?: readonly number[];
}

export interface LinearGaussianMeanInput extends LatentMoments {
  /** Whether the mean has an offset (`mu + W f`); default true. */
  readonly offset?: boolean;
  /** Joint moments E[x[n] f[n]ᵀ], shape [N, D, L], when the child is latent; default x[n] E[f[n]]ᵀ. */
  readonly exf?: readonly (readonly (readonly number[])[])[];
}

/** @returns loadings, shape [D, L], row-major, and the offset, length D (zeros without an offset) */
export function linearGaussianMean(input: LinearGaussianMeanInput): { loadings: Float64Array; offset: Float64Array } {
  const d = input.x[0]?.length ?? 0;
  const l = input.ef[0]?.length ?? 0;
  const p = input.offset === false ? l : l + 1;
  const cross = new Float64Array(d * p); // Σ w E[x (f,1)ᵀ], [D, p]
  const second = new Float64Array(p * p); // Σ w E[(f,1)(f,1)ᵀ], [p, p]
  input.x.forEach((row, n) => {
    const wn = input.w?.[n] ?? 1;
    const ef = input.ef[n]!;
    const eff = input.eff[n]!;
    const exf = input.exf?.[n];
    for (let i = 0; i < d; i++)
      for (let j = 0; j < p; j++) cross[i * p + j]! += wn * (j === l ? row[i]! : exf ? exf[i]![j]! : row[i]! * ef[j]!);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        const m = i < l && j < l ? eff[i]![j]! : i < l ? ef[i]! : j < l ? ef[j]! : 1;
        second[i * p + j]! += wn * m;
      }
  });
  const joint = solveRight(second, cross, p);
  const loadings = new Float64Array(d * l);
  const offset = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < l; j++) loadings[i * l + j] = joint[i * p + j]!;
    if (p > l) offset[i] = joint[i * p + l]!;
  }
  return { loadings, offset };
}
