/**
 * The `VariationalProgram`: what the runtime executes for a continuous latent whose posterior
 * has no closed form because it enters a non-conjugate factor, so that the E-step is
 * variational with a Gaussian family, one q per item. The one form so far is the
 * Poisson–lognormal model: per item n a log-rate `eta[n] ~ Normal(mu, sigma)` and a count
 * `y[n] ~ Poisson(exp(eta[n]))`, whose ELBO under q(eta[n]) = N(m_n, v_n) is closed form.
 * Plain JSON data, no closures: the compiler lowers a plan to it (`lowerVariationalProgram`),
 * `fitVariational` runs it. Sizes stay symbolic.
 */
import type { DimEntry } from '../data/data-schema.js';
import type { DeclaredParam, ProgramBase } from '../em/fit-program.js';

export interface PoissonLognormalProgram extends ProgramBase {
  readonly kind: 'variational';
  readonly form: 'poisson-lognormal';
  readonly model: string;
  /** The item plate (`n` over `N`). */
  readonly items: { readonly index: string; readonly size: DimEntry };
  /** The observed counts (`y`, count data, one per item). */
  readonly observed: string;
  /** The Gaussian latent log-rate (`eta`, one per item). */
  readonly latent: string;
  /** The params of its Normal: the location (`mu: real`) and the sd (`sigma: positive`). */
  readonly location: string;
  readonly scale: string;
  /** In declaration order. */
  readonly params: readonly DeclaredParam[];
  readonly objective: 'elbo';
  readonly strategy: 'variational';
  /** The statements as written, for messages. */
  readonly statements: readonly string[];
}

/** Every variational program (one form so far). */
export type VariationalProgram = PoissonLognormalProgram;
