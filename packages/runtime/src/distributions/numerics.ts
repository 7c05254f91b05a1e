/**
 * The numeric side of a DistributionSpec, shaped for the EM runtime: log densities with their
 * normalising constants, sampling from a seeded stream, and — for the exponential families EM
 * updates in closed form or by a short iteration — weighted sufficient statistics, the weighted
 * MLE from them, and the conjugate MAP update.
 *
 * Values and parameters are `number` (scalars) or `Float64Array` (vectors, and matrices in
 * row-major order: a `cov[D]` is D·D entries). Parameters are passed in the positional order of
 * the spec's `parameters`. Batches of values are one `Float64Array` of shape [n, dim] (row-major),
 * where `dim` is the event size: 1 for scalar families, K or D for vector families. Categorical
 * is the exception: its value is one category index per item (shape [n]) and `dim` is K.
 *
 * Conventions: log densities are −∞ outside the support and for impossible parameters, never
 * NaN; a zero probability gives −∞ only where a value hits it.
 */
import type { RandomStream } from '../random/stream.js';

/** A value or parameter at run time: a scalar, or a vector / row-major matrix. */
export type NumericValue = number | Float64Array;

/** One prior statement on the parameters of a likelihood, as `mapUpdate` receives it. */
export interface PriorOn {
  /**
   * The likelihood's parameter it is on (`p`, `rate`, `mean`, `cov`). The joint
   * normal-inverse-Wishart prior of MvNormal is `parameter: 'mean,cov'`, `family:
   * 'NormalInvWishart'`, params `[m0, kappa, nu, Psi]`: mean ~ MvNormal(m0, cov/kappa), cov ~ InvWishart(nu, Psi).
   */
  readonly parameter: string;
  /** The prior family as written in models (`Dirichlet`, `Beta`, `Gamma`, `Normal`, `MvNormal`, `InvWishart`). */
  readonly family: string;
  /** The prior's own parameters, positional. */
  readonly params: readonly NumericValue[];
}

export interface FitOptions {
  /**
   * Parameters that are not estimated, positional, `undefined` where estimated: Binomial's and
   * Multinomial's `n`. Required where the family's `known` lists a parameter.
   */
  readonly known?: readonly (NumericValue | undefined)[];
  /**
   * The current value of every parameter. Conditional MAP updates use it (the Normal mean under a
   * Normal prior given the current sd), and iterative MLEs start from it.
   */
  readonly current?: readonly NumericValue[];
}

/** The estimation side of an exponential family. */
export interface ExponentialFamilyNumerics {
  /** Names of parameters that are given, never estimated (Binomial `n`). */
  readonly known: readonly string[];
  /** Length of the sufficient statistic T(x) for event size `dim`. */
  statSize(dim: number): number;
  /**
   * stats += w · T(x) for the item starting at `values[offset]`; allocation-free.
   * @param stats shape [statSize(dim)]
   * @param values shape [n, dim] (Categorical: [n] of indices)
   */
  accumulate(stats: Float64Array, values: Float64Array, offset: number, dim: number, w: number): void;
  /**
   * The weighted MLE from Σ_n w[n] T(x[n]) and Σ_n w[n] (> 0: empty components are the driver's
   * to re-seed). Returns every parameter, positional (known ones echoed).
   */
  mleFromStats(stats: Float64Array, weight: number, dim: number, options?: FitOptions): NumericValue[];
  /**
   * The weighted MLE from a batch of values with weights.
   * @param values shape [n, dim] (Categorical: [n] indices)
   * @param weights shape [n], non-negative
   */
  weightedMle(values: Float64Array, weights: Float64Array, dim: number, options?: FitOptions): NumericValue[];
  /**
   * The MAP update under conjugate priors from the same statistics: the mode of (weighted
   * log-likelihood + log prior), or its conditional mode given `options.current` where the joint
   * mode has no closed form (an ECM step, still monotone). Present where a conjugate prior exists.
   */
  mapUpdate?(
    stats: Float64Array,
    weight: number,
    dim: number,
    priors: readonly PriorOn[],
    options?: FitOptions,
  ): NumericValue[];
}

export interface DistributionNumerics {
  /** The event size of a value under these parameters (1 for scalars, K, D, or D·D for a matrix). */
  eventSize(params: readonly NumericValue[]): number;
  /** log p(x | params), normalising constants included. */
  logDensity(x: NumericValue, params: readonly NumericValue[]): number;
  /**
   * One draw. Vector families write into `out` when given (allocation-free) and return it; the
   * symmetric Dirichlet needs `out` to know K.
   */
  sample(rng: RandomStream, params: readonly NumericValue[], out?: Float64Array): NumericValue;
  /** Present on the exponential families EM fits directly. */
  readonly exponentialFamily?: ExponentialFamilyNumerics;
}
