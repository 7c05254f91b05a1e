/**
 * `fitMissingGaussian(program, data, options)`: runs EM on a `MissingGaussianProgram` — the
 * executor's hooks in the generic driver (em-driver.ts) — and assembles the `FitResult` and the
 * posteriors: the data with each missing entry replaced by its conditional mean
 * Σ_k r[n,k] E[x_m | x_o, k] (a row with everything missing gets the fitted marginal mean
 * Σ_k w_k μ_k), and for a mixture the responsibilities (the prior weights for such rows).
 * Fixed params are loaded before initialisation, skipped by the M-step and not counted as free;
 * AIC/BIC count the free params from their declared types over the rows with an observed entry.
 */
import type { BoundData } from '../data/bind-data.js';
import { countParams } from '../em/criteria.js';
import { type EmHooks, type EmStepContext, runEm } from '../em/em-driver.js';
import type { EmFitOptions, ProgramFit } from '../em/fit.js';
import { flattenValue, nestValues, type ParamValue, runResult } from '../em/fit-result.js';
import { FitSetupError, type Mixture, type ParamValues } from '../em/mixture.js';
import { makeUnconstrained } from '../em/unconstrained.js';
import type { RandomStream } from '../random/stream.js';
import {
  eStepMissing,
  loadMissingParams,
  type MissingModel,
  type MissingStats,
  meanAt,
  prepareMissing,
} from './missing-gaussian.js';
import { initializeMissing } from './missing-init.js';
import { mStepMissing } from './missing-m-step.js';
import type { MissingGaussianProgram } from './missing-program.js';

function flatValues(model: MissingModel, given: Readonly<Record<string, ParamValue>>, what: string) {
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(given)) {
    const p = model.params.find((q) => q.spec.name === name);
    if (!p) throw new FitSetupError(`${what}: '${name}' is not a param of ${model.program.model}`);
    const flat = Float64Array.from(flattenValue(v));
    if (flat.length !== p.values.length)
      throw new FitSetupError(`${what}: '${name}' has ${flat.length} values, expected ${p.values.length}`);
    values[name] = flat;
  }
  return values;
}

/** Warnings already given in a run (keyed by the run's stream), so each is given once. */
const reported = new WeakMap<RandomStream, Set<string>>();

function warnOnce(ctx: EmStepContext, key: string, message: string): void {
  let seen = reported.get(ctx.rng);
  if (!seen) {
    seen = new Set();
    reported.set(ctx.rng, seen);
  }
  if (seen.has(key)) return;
  seen.add(key);
  ctx.warn(message);
}

function missingHooks(model: MissingModel, options: EmFitOptions): EmHooks<ParamValues, MissingStats> {
  const fixed = flatValues(model, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(model, options.init ?? {}, 'init'), ...fixed };
  const mstep = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(fixed)), warnOnce };
  // SQUAREM's bijection reads only each param's name, element type, sizes and values, which the
  // executor's params have in the mixture's layout.
  const unconstrained = makeUnconstrained({ params: model.params } as unknown as Mixture, fixed);
  return {
    initialize: (ctx) => {
      loadMissingParams(model, given);
      return initializeMissing(model, ctx, {
        ...mstep,
        values: given,
        ...(options.initMethod ? { method: options.initMethod } : {}),
      });
    },
    eStep: (params, assign) => eStepMissing(model, params, assign),
    mStep: (_stats, ctx) => mStepMissing(model, ctx, mstep),
    unconstrain: (params) => unconstrained.unconstrain(params),
    constrain: (u) => unconstrained.constrain(u),
  };
}

/** Posteriors at `params`: the imputed data and, with a latent, the responsibilities of every row. */
function missingPosteriors(model: MissingModel, params: ParamValues): ProgramFit['posteriors'] {
  const { n, d, k, program } = model;
  const imputed = model.x.slice();
  eStepMissing(model, params, undefined, imputed);
  const weights = model.weights?.values ?? Float64Array.of(1);
  const marginal = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) marginal[j]! += weights[c]! * model.mean.values[meanAt(model, c) + j]!;
  }
  for (const i of model.patterns.empty) imputed.set(marginal, i * d);
  const variable = { [program.data]: nestValues(imputed, model.shape) };
  if (!program.latent) return { latents: [], states: [], responsibilities: [], imputed: variable };
  const responsibilities: number[][] = Array.from({ length: n }, () => Array.from(weights));
  model.patterns.rows.forEach((row, i) => {
    responsibilities[row] = Array.from(model.resp.subarray(i * k, (i + 1) * k));
  });
  const latent = program.latent.name;
  return {
    latents: [latent],
    states: Array.from({ length: k }, (_, c) => `${latent}=${c}`),
    responsibilities,
    imputed: variable,
  };
}

/** Fits and returns the result with the imputed data (and responsibilities) at its params. */
export function fitMissingGaussian(
  program: MissingGaussianProgram,
  data: BoundData,
  options: EmFitOptions = {},
): ProgramFit {
  const model = prepareMissing(program, data);
  const { best } = runEm(missingHooks(model, options), options);
  const free = model.params.filter((p) => options.fixed?.[p.spec.name] === undefined);
  const nParams = countParams(free.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape })));
  const posteriors = missingPosteriors(model, best.params);
  const nObs = model.patterns.rows.length;
  const params: Record<string, ParamValue> = {};
  for (const p of model.params) params[p.spec.name] = nestValues(best.params[p.spec.name]!, [...p.dims, ...p.shape]);
  const result = runResult(program, best, {
    logLik: model.stats.logLik,
    params,
    nParams,
    nObs: nObs,
    entropy: model.stats.entropy,
  });
  return { result, posteriors };
}
