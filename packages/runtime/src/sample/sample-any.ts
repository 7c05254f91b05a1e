/**
 * `emforge sample` over every program kind: `sampleAnyProgram` dispatches on the program's `kind`
 * to its sampler, as `fitAnyProgram` (em/program.ts) does for fitting:
 * - a mixture `FitProgram`: sample-program.ts;
 * - an HMM: chain/sample-chain.ts;
 * - a Student-t or a mixture of them: scale-mixture/sample-scale-mixture.ts;
 * - Gaussians with missing entries (complete rows): missing/sample-missing.ts;
 * - FA, PPCA, MFA and the linear-Gaussian chain: linear-gaussian/sample-linear-gaussian.ts;
 * - LDA: mean-field/sample-lda.ts; Poisson–lognormal: variational/sample-variational.ts.
 * `sampleInputSchema` gives the data a program reads but does not draw. A kind without a sampler would be one clear message
 * (`sampleUnsupported`); every kind of `Program` has one today.
 */
import type { ChainProgram } from '../chain/chain-program.js';
import { sampleChainProgram } from '../chain/sample-chain.js';
import type { DataSchema } from '../data/data-schema.js';
import type { FitProgram } from '../em/fit-program.js';
import type { ParamValue } from '../em/fit-result.js';
import type { Program } from '../em/program.js';
import { sampleLinearGaussian } from '../linear-gaussian/sample-linear-gaussian.js';
import type { MeanFieldProgram } from '../mean-field/mean-field-program.js';
import { meanFieldInputSchema, sampleMeanField } from '../mean-field/sample-lda.js';
import type { MissingGaussianProgram } from '../missing/missing-program.js';
import { missingAsFitProgram, sampleMissingGaussian } from '../missing/sample-missing.js';
import { sampleScaleMixture, scaleMixtureInputSchema } from '../scale-mixture/sample-scale-mixture.js';
import type { ScaleMixtureProgram } from '../scale-mixture/scale-mixture-program.js';
import { sampleVariational } from '../variational/sample-variational.js';
import type { VariationalProgram } from '../variational/variational-program.js';
import { inputSchema, inputSchemaWithout, type SampleOptions, sampleProgram } from './sample-program.js';

export interface AnySampleResult {
  /** Every scalar size used. */
  readonly sizes: Readonly<Record<string, number>>;
  /** The data set in the binder's format. */
  readonly data: Readonly<Record<string, ParamValue>>;
  /** The drawn latents: per item, or per sequence and step (nested like the data). */
  readonly latents: Readonly<Record<string, ParamValue>>;
}

/** Why `sample` cannot draw from this program, or undefined when it can. */
export function sampleUnsupported(program: Program): string | undefined {
  switch (program.kind) {
    case undefined:
    case 'mixture':
    case 'chain':
    case 'scale-mixture':
    case 'missing-gaussian':
    case 'linear-gaussian':
    case 'mean-field':
    case 'variational':
      return undefined;
    default:
      return `sampling a model fitted by ${(program as Program).strategy} is not supported yet`;
  }
}

/** The part of the data schema `sample` needs as input: the data the program reads but never draws. */
export function sampleInputSchema(program: Program, schema: DataSchema): DataSchema {
  if (program.kind === 'chain') return inputSchema((program as ChainProgram).emission, schema);
  if (program.kind === 'scale-mixture') return scaleMixtureInputSchema(program as ScaleMixtureProgram, schema);
  if (program.kind === 'missing-gaussian')
    return inputSchema(missingAsFitProgram(program as MissingGaussianProgram), schema);
  if (program.kind === 'linear-gaussian') return inputSchemaWithout(schema, new Set([program.data]));
  if (program.kind === 'mean-field') return meanFieldInputSchema(program as MeanFieldProgram, schema);
  if (program.kind === 'variational')
    return inputSchemaWithout(schema, new Set([(program as VariationalProgram).observed]));
  return inputSchema(program as FitProgram, schema);
}

/** Draws one data set from any program `sample` supports (a SampleError for bad params or sizes). */
export function sampleAnyProgram(
  program: Program,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): AnySampleResult {
  const unsupported = sampleUnsupported(program);
  if (unsupported !== undefined) throw new Error(unsupported);
  if (program.kind === 'chain') return sampleChainProgram(program, schema, params, options);
  if (program.kind === 'scale-mixture') return sampleScaleMixture(program, schema, params, options);
  if (program.kind === 'missing-gaussian') return sampleMissingGaussian(program, schema, params, options);
  if (program.kind === 'linear-gaussian') return sampleLinearGaussian(program, schema, params, options);
  if (program.kind === 'mean-field') return sampleMeanField(program, schema, params, options);
  if (program.kind === 'variational') return sampleVariational(program, schema, params, options);
  return sampleProgram(program as FitProgram, schema, params, options);
}
