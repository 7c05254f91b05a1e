/**
 * What a distribution declares about itself: metadata — the parameters with their
 * constraints, the support, whether it broadcasts, conjugate partners — which is what the
 * checker and planner read, and `numerics` (log-density, sampling, sufficient statistics,
 * weighted MLE, conjugate MAP; see numerics.ts) which is what the EM runtime calls. Adding a
 * distribution stays one file plus one line in registry.ts.
 *
 * Types are written in the model language's own notation (see type-pattern.ts):
 * `'positive'`, `'simplex[K]'`, `'cov[D]'`, `'positive[K] | positive'`. Capitalised names
 * inside brackets are shape variables: every occurrence in one spec denotes the same length,
 * so `MvNormal` with mean `'real[D]'`, cov `'cov[D]'` and support `'real[D]'` says that the
 * mean, the covariance and the value agree in dimension.
 */

import type { DistributionNumerics } from './numerics.js';

/** A type in the model language's notation, possibly with shape variables and `|` alternatives. */
export type TypePattern = string;

export interface ParameterSpec {
  /** The name used in messages and documentation (`sd`, `rate`, `p`). */
  readonly name: string;
  /** The values the argument may take. */
  readonly type: TypePattern;
  readonly description: string;
}

/**
 * A prior family conjugate to one parameter of this distribution: `Dirichlet` on Categorical's
 * `p`, `InvWishart` on MvNormal's `cov`. `as: 'precision'` means the prior's variable divides
 * the scale or covariance (a Gamma precision: `Sigma / u`), as in a Student-t scale mixture.
 */
export interface ConjugatePrior {
  readonly parameter: string;
  readonly prior: string;
  readonly as: 'value' | 'precision';
}

/** For a location–scale Gaussian: which parameter is the mean and which the scale. */
export interface GaussianForm {
  readonly mean: string;
  readonly scale: string;
  /** `sd` for a standard deviation, `cov` for a covariance matrix. */
  readonly scaleKind: 'sd' | 'cov';
}

/** A heavy-tailed distribution that is a Gaussian whose precision is scaled by a latent of `mixing` family. */
export interface ScaleMixture {
  readonly of: string;
  readonly mixing: string;
  /** The parameter holding the degrees of freedom. */
  readonly dof: string;
}

export interface DistributionSpec {
  /** The name written in models, e.g. `Normal`. */
  readonly name: string;
  /** One line for documentation and `emforge explain`. */
  readonly description: string;
  /** Positional parameters, in the order they are written. */
  readonly parameters: readonly ParameterSpec[];
  /** The values the distribution puts mass on. */
  readonly support: TypePattern;
  /**
   * Declared types a variable may have to be given this distribution, when they are wider
   * than the support (values are then checked when data is bound). Defaults to the support.
   */
  readonly accepts?: readonly TypePattern[];
  /**
   * True for a scalar distribution whose vector (or array) arguments and value are taken
   * elementwise and independently: `x[n] ~ Normal(mu, s)` with `x[n]: real[D]`. Scalar
   * arguments then broadcast over the value's shape.
   */
  readonly elementwise: boolean;
  /** Present on the Gaussian families: which parameters are the mean and the scale. */
  readonly gaussian?: GaussianForm;
  /** Conjugate prior families, per parameter (used by structure detection and MAP updates). */
  readonly conjugatePriors?: readonly ConjugatePrior[];
  /** Present on Student-t families: the Gaussian scale mixture they are. */
  readonly scaleMixture?: ScaleMixture;
  /** Log-density, sampling and (for exponential families) statistics, weighted MLE and MAP. */
  readonly numerics: DistributionNumerics;
}
