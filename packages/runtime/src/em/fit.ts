/**
 * `fitProgram(program, data, options)`: runs EM on a `FitProgram` bound to data — the mixture
 * executor's hooks in the generic driver — and assembles the `FitResult`.
 */
import type { BoundData } from '../data/bind-data.js';
import { computeCriteria, countParams } from './criteria.js';
import { type EmHooks, type EmOptions, runEm } from './em-driver.js';
import type { FitProgram } from './fit-program.js';
import { type FitResult, flattenValue, nestValues, type ParamValue } from './fit-result.js';
import { type InitMethod, initializeMixture } from './init.js';
import { eStepMixture, type MixtureStats, type ParamValues, prepareMixture } from './mixture.js';
import { mStepMixture } from './mixture-m-step.js';

export interface EmFitOptions extends EmOptions {
  /** Added to covariance diagonals and variances after each M-step (default 1e-6). */
  readonly regCovar?: number;
  readonly initMethod?: InitMethod;
  /** Initial values of some or all params, in their declared (nested) shape. */
  readonly init?: Readonly<Record<string, ParamValue>>;
}

export function fitProgram(program: FitProgram, data: BoundData, options: EmFitOptions = {}): FitResult {
  const mix = prepareMixture(program, data);
  const mstep = { regCovar: options.regCovar ?? 1e-6 };
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(options.init ?? {})) {
    if (!program.params.some((p) => p.name === name))
      throw new Error(`init: '${name}' is not a param of ${program.model}`);
    values[name] = Float64Array.from(flattenValue(v));
  }
  const hooks: EmHooks<ParamValues, MixtureStats> = {
    initialize: (ctx) =>
      initializeMixture(
        mix,
        ctx,
        options.initMethod ? { ...mstep, values, method: options.initMethod } : { ...mstep, values },
      ),
    eStep: (params) => eStepMixture(mix, params),
    mStep: (_stats, ctx) => mStepMixture(mix, ctx, mstep),
  };
  const { best } = runEm(hooks, options);
  const shapes = mix.params.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape }));
  const nParams = countParams(shapes);
  const criteria = computeCriteria(best.stats.logLik, nParams, mix.n, best.stats.entropy);
  const params: Record<string, ParamValue> = {};
  for (const p of mix.params) params[p.spec.name] = nestValues(best.params[p.spec.name]!, [...p.dims, ...p.shape]);
  return {
    model: program.model,
    strategy: program.strategy,
    logLik: best.stats.logLik,
    objective: best.objective,
    iterations: best.iterations,
    converged: best.converged,
    params,
    ...criteria,
    nParams,
    nObs: mix.n,
    history: best.history,
    warnings: best.warnings,
  };
}
