/**
 * Every executable program and the one entry point that runs any of them: `fitAnyProgram`
 * dispatches on the program's `kind` to its executor (the mixture executor for a `FitProgram`,
 * forward–backward for a chain, …). Each executor runs the same EM driver (em-driver.ts) and
 * returns the same `FitResult` and `Posteriors`.
 */
import type { ChainProgram } from '../chain/chain-program.js';
import { fitChain } from '../chain/fit-chain.js';
import type { BoundData } from '../data/bind-data.js';
import { fitLinearGaussian } from '../linear-gaussian/fit-linear-gaussian.js';
import type { LinearGaussianProgram } from '../linear-gaussian/program.js';
import { fitMeanField } from '../mean-field/fit-mean-field.js';
import type { MeanFieldProgram } from '../mean-field/mean-field-program.js';
import { fitMissingGaussian } from '../missing/fit-missing.js';
import type { MissingGaussianProgram } from '../missing/missing-program.js';
import { fitScaleMixture } from '../scale-mixture/fit-scale-mixture.js';
import type { ScaleMixtureProgram } from '../scale-mixture/scale-mixture-program.js';
import { withStandardErrors } from '../se/fit-standard-errors.js';
import { fitVariational } from '../variational/fit-variational.js';
import type { VariationalProgram } from '../variational/variational-program.js';
import { type EmFitOptions, fitWithPosteriors, type ProgramFit } from './fit.js';
import type { FitProgram } from './fit-program.js';

/** The programs the runtime can execute, told apart by `kind`. */
export type Program =
  | FitProgram
  | ScaleMixtureProgram
  | MissingGaussianProgram
  | ChainProgram
  | LinearGaussianProgram
  | MeanFieldProgram
  | VariationalProgram;

/**
 * Fits any program and returns the result with the posteriors of its latents; with
 * `options.standardErrors` also the standard errors of its params (se/).
 */
export function fitAnyProgram(program: Program, data: BoundData, options: EmFitOptions = {}): ProgramFit {
  const fit = fitByKind(program, data, options);
  return options.standardErrors ? withStandardErrors(program, data, fit, options) : fit;
}

function fitByKind(program: Program, data: BoundData, options: EmFitOptions): ProgramFit {
  switch (program.kind) {
    case undefined:
    case 'mixture':
      return fitWithPosteriors(program, data, options);
    case 'linear-gaussian':
      return fitLinearGaussian(program, data, options);
    case 'chain':
      return fitChain(program, data, options);
    case 'missing-gaussian':
      return fitMissingGaussian(program, data, options);
    case 'scale-mixture':
      return fitScaleMixture(program, data, options);
    case 'mean-field':
      return fitMeanField(program, data, options);
    case 'variational':
      return fitVariational(program, data, options);
  }
}
