/**
 * The `MissingGaussianProgram`: what the runtime executes for Gaussian data with missing
 * entries (plan strategy `missing-gaussian`), optionally with a finite latent choosing the
 * component (`z[n] ~ Categorical(w)`, `x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])`). Plain JSON,
 * like the `FitProgram`: the compiler lowers a plan to it (`lowerMissingProgram`), the runtime
 * binds it to data and runs it (`fitMissingGaussian`). Sizes stay symbolic until the fit.
 */
import type { DimEntry } from '../data/data-schema.js';
import type { DeclaredParam, ProgramBase } from '../em/fit-program.js';

/** A param as an argument of the observation: tied (`mu`) or chosen by the latent (`mu[z[n]]`). */
export interface MissingParamUse {
  readonly param: string;
  /** True when the latent selects the element (`mu[z[n]]`): one element per component. */
  readonly selected: boolean;
}

export interface MissingGaussianProgram extends ProgramBase {
  readonly kind: 'missing-gaussian';
  readonly model: string;
  /** The item plate: the loop index and the size it runs over (`n` over `N`). */
  readonly plate: { readonly index: string; readonly size: DimEntry };
  /** The observed variable with missing entries, one row (`real[D]?`) or value (`real?`) per item. */
  readonly data: string;
  /**
   * `MvNormal`: a full covariance (`cov[D]`); `Normal`: a standard deviation per coordinate
   * (`positive[D]`, a diagonal covariance) or one for every coordinate (`positive`, spherical).
   */
  readonly family: 'MvNormal' | 'Normal';
  /** The observation as written, for messages (`x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])`). */
  readonly text: string;
  /** The finite latent choosing the component and its weights param, if the model has one. */
  readonly latent?: { readonly name: string; readonly states: DimEntry; readonly weights: string };
  readonly mean: MissingParamUse;
  readonly scale: MissingParamUse;
  /** In declaration order. */
  readonly params: readonly DeclaredParam[];
  readonly objective: 'log-likelihood';
  /** `missing-gaussian`, or `enumerate+missing-gaussian` with a latent. */
  readonly strategy: string;
}
