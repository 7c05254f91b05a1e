/**
 * The `LinearGaussianProgram`: what the runtime executes for a model whose continuous latent is
 * linear-Gaussian (plan strategy `gaussian`). Two forms, plain JSON like the `FitProgram`:
 * - `factor`: one latent vector per item, `f[n] ~ MvNormal(m0, P0)`, observed through
 *   `x[n] ~ Normal(mu + W * f[n], psi)` (FA; PPCA with a scalar sd; any noise covariance with
 *   `MvNormal`), optionally under a finite selector `z[n] ~ Categorical(w)` choosing `mu[z[n]]`,
 *   `W[z[n]]` and possibly the noise (a mixture of factor analysers: enumerate × Gaussian);
 * - `chain`: a linear-Gaussian state-space model over one or several sequences,
 *   `f[0] ~ MvNormal(m0, P0)`, `f[t] ~ MvNormal(A * f[t-1], Q)`, `x[t] ~ MvNormal(C * f[t], R)`
 *   (Kalman filter and RTS smoother).
 * Every model quantity is a param (optionally chosen by the selector) or a constant of sizes.
 */
import type { DimEntry } from '../data/data-schema.js';
import type { ConstantValue, ProgramBase } from '../em/fit-program.js';

/** A model quantity: a param (its element chosen by the mixture's selector when `selected`) or a constant. */
export type LgValue =
  | { readonly kind: 'param'; readonly name: string; readonly selected: boolean }
  | { readonly kind: 'constant'; readonly value: ConstantValue };

/**
 * The noise of one Gaussian statement: `MvNormal(…, cov)` is `full`; `Normal(…, sd)` is
 * `diagonal` with one sd per coordinate (`psi: positive[D]`) or `spherical` with one sd for all.
 */
export interface LgNoise {
  readonly form: 'full' | 'diagonal' | 'spherical';
  /** The covariance (full) or the sd (diagonal, spherical). */
  readonly value: LgValue;
}

/** A Gaussian statement `child ~ N(matrix · parent + offset, noise)`; absent parts are 0 / identity. */
export interface LgTerm {
  /** The statement as written, for messages. */
  readonly text: string;
  /** The matrix multiplying the latent (`W`, `A`, `C`); absent means the identity. */
  readonly matrix?: LgValue;
  /** The added mean (`mu`, or the whole mean of an initial state `m0`); absent means 0. */
  readonly offset?: LgValue;
  readonly noise: LgNoise;
}

export interface LinearGaussianFactorProgram extends ProgramBase {
  readonly kind: 'linear-gaussian';
  readonly form: 'factor';
  /** The item plate (`n` over `N`). */
  readonly plate: { readonly index: string; readonly size: DimEntry };
  /** The observed vector per item (`x`). */
  readonly data: string;
  /** The latent vector per item and its length (`f`, `L`). */
  readonly latent: { readonly name: string; readonly size: DimEntry };
  /** The latent's own statement: constant mean and noise (`MvNormal(zeros(L), eye(L))`). */
  readonly prior: LgTerm;
  /** The observation: `x[n] ~ Normal(offset + matrix * f[n], noise)`. */
  readonly observation: LgTerm;
  /** The finite selector of a mixture of factor analysers, with its weights. */
  readonly mixture?: { readonly latent: string; readonly states: DimEntry; readonly weights: LgValue };
  readonly objective: 'log-likelihood';
}

export interface LinearGaussianChainProgram extends ProgramBase {
  readonly kind: 'linear-gaussian';
  readonly form: 'chain';
  /** The observed sequence(s): `x[T]` (one) or `x[S][T]` (several, possibly ragged). */
  readonly data: string;
  readonly latent: { readonly name: string; readonly size: DimEntry };
  /** `f[0] ~ N(offset, noise)`. */
  readonly initial: LgTerm;
  /** `f[t] ~ N(matrix * f[t-1], noise)`. */
  readonly transition: LgTerm;
  /** `x[t] ~ N(matrix * f[t], noise)`. */
  readonly emission: LgTerm;
  readonly objective: 'log-likelihood';
}

export type LinearGaussianProgram = LinearGaussianFactorProgram | LinearGaussianChainProgram;
