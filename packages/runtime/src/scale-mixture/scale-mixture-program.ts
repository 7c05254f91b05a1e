/**
 * The `ScaleMixtureProgram`: what the runtime executes for a Gaussian scale mixture — a
 * Student-t, written explicitly (`u[n] ~ Gamma(nu / 2, nu / 2)`, `x[n] ~ MvNormal(mu, Sigma / u[n])`)
 * or as `StudentT` / `MvStudentT` with ν known — and for a finite mixture of those
 * (`z[n] ~ Categorical(w)` choosing the location, the scale and ν). The latent precision u[n]
 * has a conjugate Gamma posterior given the item and its component, so the E-step is closed
 * form. ν may also be a param (`degreesOfFreedom`): then the mixing Gamma is Gamma(ν/2, ν/2)
 * and ν gets a one-dimensional numeric update (student-t-nu.ts). Plain JSON data, no closures: the compiler lowers a plan to it
 * (`lowerScaleMixtureProgram`), `fitScaleMixture` runs it. Sizes stay symbolic.
 */
import type { DimEntry } from '../data/data-schema.js';
import type { DeclaredParam, ProgramBase } from '../em/fit-program.js';

/**
 * A known positive number of the mixing Gamma: a literal, or a data variable (whole, or one
 * entry per component, `nu[z[n]]`) times a constant factor (`nu / 2` → factor 0.5).
 */
export type KnownValue =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'data'; readonly name: string; readonly perComponent: boolean; readonly factor: number }
  /** The degrees-of-freedom param (whole or per component) times a factor: ν / 2. */
  | { readonly kind: 'param'; readonly name: string; readonly perComponent: boolean; readonly factor: number };

/** A param of the observation: one element per component (`mu[z[n]]`), or one shared by all (tied). */
export interface ComponentParam {
  readonly name: string;
  readonly perComponent: boolean;
}

export interface ScaleMixtureProgram extends ProgramBase {
  readonly kind: 'scale-mixture';
  readonly model: string;
  /** The item plate: the loop index and the size it runs over (`n` over `N`). */
  readonly plate: { readonly index: string; readonly size: DimEntry };
  /** The observed data variable at the item (`x`). */
  readonly observed: string;
  /**
   * `mv`: a real[D] observation with a cov[D] scale matrix (MvNormal / MvStudentT);
   * `univariate`: a real observation with a standard deviation (Normal / StudentT), D = 1.
   */
  readonly form: 'mv' | 'univariate';
  /** The name E[u[n] | x[n]] is reported under: the latent's, or `u` for StudentT / MvStudentT. */
  readonly precision: string;
  /** u[n] ~ Gamma(shape, rate) given the component; StudentT(ν, …) has shape = rate = ν / 2. */
  readonly shape: KnownValue;
  readonly rate: KnownValue;
  /** The component latent of a mixture, its number of states and its weights param. */
  readonly component?: { readonly latent: string; readonly states: DimEntry; readonly weights: string };
  /** The location (mean) param and the scale (cov[D] or sd) param. */
  readonly location: ComponentParam;
  readonly scale: ComponentParam;
  /**
   * ν as a param (`StudentT(nu, …)`, `nu[z[n]]`, or `u[n] ~ Gamma(nu / 2, nu / 2)`): shape and
   * rate are then both `{ kind: 'param', factor: 0.5 }` of it. Absent when ν is known.
   */
  readonly degreesOfFreedom?: ComponentParam;
  /** In declaration order. */
  readonly params: readonly DeclaredParam[];
  readonly objective: 'log-likelihood';
  /** `conjugate`, or `enumerate+conjugate` for a mixture. */
  readonly strategy: string;
  /** The statements as written, for messages. */
  readonly statements: readonly string[];
}
