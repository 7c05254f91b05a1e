/**
 * The `ChainProgram`: what the runtime executes for a model whose latent is a first-order
 * discrete chain over several sequences (plan strategy `forward-backward`, an HMM):
 *
 *   h[s][0] ~ Categorical(init)
 *   h[s][t] ~ Categorical(trans[h[s][t-1]])          t in 1..T[s]
 *   m[s][t] ~ …, y[s][t] ~ F(args selected by h[s][t], m[s][t])   t in T[s]
 *
 * The per-step part (emissions, and further finite latents per step such as a mixture
 * component per state) is a `FitProgram` over one plate that runs over every step of every
 * sequence back to back: its first latent is the chain's, the others are enumerated jointly
 * with it, so the mixture executor's kernels and closed-form M-steps serve the emissions
 * unchanged. The chain adds `init` and `trans` (their M-step and forward–backward are in this
 * directory). Plain JSON, sizes symbolic, like every program.
 */
import type { DimEntry } from '../data/data-schema.js';
import type { DeclaredParam, FitPrior, FitProgram, ProgramBase } from '../em/fit-program.js';

/** `init` or `trans`: a simplex param updated from expected counts (MLE, or MAP under a Dirichlet prior). */
export interface ChainParam extends DeclaredParam {
  /** `categorical-probabilities`, or `dirichlet-map` with a Dirichlet `prior`. */
  readonly rule: 'categorical-probabilities' | 'dirichlet-map';
  readonly prior?: FitPrior;
  /** The statement it is the argument of, for messages (`h[s][0] ~ Categorical(init)`). */
  readonly text: string;
}

export interface ChainProgram extends ProgramBase {
  readonly kind: 'chain';
  readonly model: string;
  /** The sequences plate (`s` over `S`). */
  readonly sequences: { readonly index: string; readonly size: DimEntry };
  /** The time plate (`t` over `T`): a ragged size `T[S]`, or one length shared by all sequences. */
  readonly steps: { readonly index: string; readonly size: string };
  /** The chain latent: its name and number of states (`h`, `K`). */
  readonly latent: { readonly name: string; readonly states: DimEntry };
  /** `h[s][0] ~ Categorical(init)`. */
  readonly init: ChainParam;
  /** `h[s][t] ~ Categorical(trans[h[s][t-1]])`: one row per previous state. */
  readonly trans: ChainParam;
  /**
   * The per-step part as a FitProgram whose plate runs over every step of every sequence:
   * latents [the chain's, then the other per-step latents], the emission factors and the
   * per-step latents' factors, and every param except `init` and `trans`.
   */
  readonly emission: FitProgram;
  /** Every param as declared, in declaration order (for init, fixed, AIC/BIC and output). */
  readonly params: readonly DeclaredParam[];
  readonly objective: 'log-likelihood' | 'log-posterior';
  readonly strategy: 'forward-backward';
}
