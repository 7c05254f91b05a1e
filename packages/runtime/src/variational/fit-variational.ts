/**
 * `fitVariational(program, data, options)`: variational EM with a Gaussian family per item (the
 * Poisson–lognormal model) in the generic EM driver. The driver's objective is the ELBO after
 * each E-step, which never decreases: the E-step maximises it exactly over every q(η_n), the
 * M-step exactly over (μ, σ). Initialisation: moment estimates from the counts (the same in
 * every run, so restarts agree); given `init` values override, `fixed` values are held. The
 * result says `approximate: true`; its `logLik` is the ELBO (a lower bound on the
 * log-likelihood). Posteriors: the variational mean m_n of each η_n.
 */
import type { BoundData } from '../data/bind-data.js';
import { computeCriteria, countParams } from '../em/criteria.js';
import { type EmHooks, runEm } from '../em/em-driver.js';
import type { EmFitOptions, ProgramFit } from '../em/fit.js';
import { type FitResult, flattenValue, type ParamValue } from '../em/fit-result.js';
import { FitSetupError, type ParamValues } from '../em/mixture.js';
import {
  eStepPoissonLognormal,
  momentStart,
  mStepPoissonLognormal,
  type PoissonLognormalModel,
  preparePoissonLognormal,
} from './poisson-lognormal.js';
import type { VariationalProgram } from './variational-program.js';

/** The slot of a param in the live [μ, σ]. */
function slot(model: PoissonLognormalModel, name: string): number | undefined {
  if (name === model.program.location) return 0;
  if (name === model.program.scale) return 1;
  return undefined;
}

function load(model: PoissonLognormalModel, values: ParamValues): void {
  for (const [name, v] of Object.entries(values)) {
    const i = slot(model, name);
    if (i !== undefined) model.theta[i] = v[0]!;
  }
}

function save(model: PoissonLognormalModel): Record<string, Float64Array> {
  return {
    [model.program.location]: Float64Array.of(model.theta[0]!),
    [model.program.scale]: Float64Array.of(model.theta[1]!),
  };
}

function flatValues(
  model: PoissonLognormalModel,
  given: Readonly<Record<string, ParamValue>>,
  what: string,
): ParamValues {
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(given)) {
    const i = slot(model, name);
    if (i === undefined) throw new FitSetupError(`${what}: '${name}' is not a param of ${model.program.model}`);
    const flat = Float64Array.from(flattenValue(v));
    if (flat.length !== 1) throw new FitSetupError(`'${name}' has ${flat.length} values, expected 1`);
    if (i === 1 && !(flat[0]! > 0)) throw new FitSetupError(`'${name}' must be positive, got ${flat[0]}`);
    values[name] = flat;
  }
  return values;
}

function hooks(model: PoissonLognormalModel, options: EmFitOptions): EmHooks<ParamValues, null> {
  const fixed = flatValues(model, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(model, options.init ?? {}, 'init'), ...fixed };
  const held = new Set(Object.keys(fixed));
  return {
    initialize: () => {
      momentStart(model);
      load(model, given);
      return save(model);
    },
    eStep: (params) => {
      load(model, params);
      return { objective: eStepPoissonLognormal(model), stats: null };
    },
    mStep: () => {
      mStepPoissonLognormal(model, held);
      return save(model);
    },
  };
}

/** Fits a variational program and returns the result with the variational posteriors at the returned params. */
export function fitVariational(program: VariationalProgram, data: BoundData, options: EmFitOptions = {}): ProgramFit {
  if ((options.accelerate ?? 'none') !== 'none')
    throw new FitSetupError(`acceleration '${options.accelerate}' is not available for variational EM: fit without it`);
  if ((options.variant ?? 'em') !== 'em')
    throw new FitSetupError(`the '${options.variant}' variant is not available for variational EM: fit without it`);
  const model = preparePoissonLognormal(program, data);
  const { best } = runEm(hooks(model, options), options);
  load(model, best.params);
  const elbo = eStepPoissonLognormal(model);
  const free = program.params.filter((p) => options.fixed?.[p.name] === undefined);
  const nParams = countParams(free.map((p) => ({ element: p.element, dims: [], shape: [] })));
  const params: Record<string, ParamValue> = {};
  for (const p of program.params) params[p.name] = best.params[p.name]![0]!;
  const result: FitResult = {
    model: program.model,
    strategy: program.strategy,
    logLik: elbo,
    objective: best.objective,
    iterations: best.iterations,
    emSteps: best.emSteps,
    converged: best.converged,
    params,
    ...computeCriteria(elbo, nParams, model.N, 0),
    nParams,
    nObs: model.N,
    history: best.history,
    warnings: best.warnings,
    approximate: true,
  };
  return {
    result,
    posteriors: {
      latents: [],
      states: [],
      responsibilities: [],
      means: { [program.latent]: Array.from(model.m) },
    },
  };
}
