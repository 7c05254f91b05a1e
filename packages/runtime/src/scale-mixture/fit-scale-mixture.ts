/**
 * `fitScaleMixture(program, data, options)`: the scale-mixture executor's hooks in the generic
 * EM driver, and the `FitResult` with its posteriors (component responsibilities and
 * E[u[n] | x[n]] under the precision's name). Initialisation: without a component latent the
 * Gaussian fit (every u = 1: sample mean and covariance); with one, k-means from k-means++
 * (or random-point) seeds gives hard responsibilities, or random ones, then that Gaussian
 * M-step. Given `init` values override, `fixed` values are held and not counted in AIC/BIC.
 * ν as a param starts at DEFAULT_NU and is updated after the location and scale in each
 * M-step (student-t-nu.ts).
 */
import type { BoundData } from '../data/bind-data.js';
import { countParams } from '../em/criteria.js';
import { type EmHooks, type EmStepContext, runEm } from '../em/em-driver.js';
import type { EmFitOptions, ProgramFit } from '../em/fit.js';
import { flattenValue, nestValues, type ParamValue, runResult } from '../em/fit-result.js';
import { kmeansPlusPlus, randomPoints } from '../em/init.js';
import { FitSetupError, type ParamValues, resolveDim } from '../em/mixture.js';
import { assignResponsibilities } from '../em/variants.js';
import { sampleDirichlet } from '../random/continuous.js';
import {
  applyDegreesOfFreedom,
  DEFAULT_NU,
  loadScaleMixtureParams,
  prepareScaleMixture,
  type ScaleMixtureModel,
  saveScaleMixtureParams,
  scaleMixtureParamSizes,
} from './bind-scale-mixture.js';
import { eStepScaleMixture, expectedPrecisions, type ScaleMixtureStats } from './scale-mixture-e-step.js';
import { mStepScaleMixture, type ScaleMixtureMStepOptions } from './scale-mixture-m-step.js';
import type { ScaleMixtureProgram } from './scale-mixture-program.js';
import { updateDegreesOfFreedom } from './student-t-nu.js';

function flatValues(model: ScaleMixtureModel, given: Readonly<Record<string, ParamValue>>, what: string) {
  const sizes = scaleMixtureParamSizes(model);
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(given)) {
    const size = sizes[name];
    if (size === undefined) throw new FitSetupError(`${what}: '${name}' is not a param of ${model.program.model}`);
    const flat = Float64Array.from(flattenValue(v));
    if (flat.length !== size) throw new FitSetupError(`'${name}' has ${flat.length} values, expected ${size}`);
    values[name] = flat;
  }
  return values;
}

/**
 * Hard responsibilities from k-means: the seeds' items as first centres, then Lloyd iterations
 * (assign each item to its nearest centre, move each centre to its items' mean) until no item
 * changes or 25 rounds. A seed alone would often be an outlier under heavy tails (k-means++
 * picks far points), leaving a one-point component; a few Lloyd rounds pull the centres in.
 */
function assignByKmeans(model: ScaleMixtureModel, seeds: readonly number[]): void {
  const { n, d, K, x, resp } = model;
  const centres = new Float64Array(K * d);
  seeds.forEach((seed, k) => {
    for (let j = 0; j < d; j++) centres[k * d + j] = x[seed * d + j]!;
  });
  const label = new Int32Array(n).fill(-1);
  const counts = new Float64Array(K);
  for (let round = 0; round < 25; round++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        let dist = 0;
        for (let j = 0; j < d; j++) dist += (x[i * d + j]! - centres[k * d + j]!) ** 2;
        if (dist < bestDistance) {
          bestDistance = dist;
          best = k;
        }
      }
      if (label[i] !== best) changed++;
      label[i] = best;
    }
    if (changed === 0) break;
    centres.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const k = label[i]!;
      counts[k]!++;
      for (let j = 0; j < d; j++) centres[k * d + j]! += x[i * d + j]!;
    }
    for (let k = 0; k < K; k++) {
      // An empty cluster keeps its seed as centre.
      if (counts[k] === 0) for (let j = 0; j < d; j++) centres[k * d + j] = x[seeds[k]! * d + j]!;
      else for (let j = 0; j < d; j++) centres[k * d + j]! /= counts[k]!;
    }
  }
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) resp[i * K + k] = k === label[i] ? 1 : 0;
}

/** Whether the components' mixing Gammas (their ν) differ, so that labels are not exchangeable. */
function distinctMixing(model: ScaleMixtureModel): boolean {
  for (let k = 1; k < model.K; k++) {
    if (model.alpha[k] !== model.alpha[0] || model.beta[k] !== model.beta[0]) return true;
  }
  return false;
}

function permutations(k: number): number[][] {
  if (k === 1) return [[0]];
  return permutations(k - 1).flatMap((p) =>
    Array.from({ length: k }, (_, i) => [...p.slice(0, i), k - 1, ...p.slice(i)]),
  );
}

/**
 * With ν given per component the labels matter: the cluster seeded as component 0 gets ν[0].
 * Every assignment of the initial clusters to the components is tried (a Gaussian M-step from
 * the permuted responsibilities, then the E-step's log-likelihood) and the best kept, so that
 * the heavy-tailed cluster starts with the small ν rather than by the seeding's chance order.
 */
function bestLabelling(
  model: ScaleMixtureModel,
  ctx: EmStepContext,
  given: ParamValues,
  mstep: ScaleMixtureMStepOptions,
): void {
  const { n, K } = model;
  const base = model.resp.slice();
  let best: { objective: number; params: ParamValues } | undefined;
  for (const perm of permutations(K)) {
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) model.resp[i * K + k] = base[i * K + perm[k]!]!;
    model.eu.fill(1);
    loadScaleMixtureParams(model, given);
    const params = mStepScaleMixture(model, ctx, mstep);
    const { objective } = eStepScaleMixture(model, params);
    if (best === undefined || objective > best.objective) best = { objective, params };
  }
  loadScaleMixtureParams(model, best!.params);
}

/** First responsibilities (every E[u] = 1), then a Gaussian M-step gives the params no value was given for. */
function initialize(
  model: ScaleMixtureModel,
  ctx: EmStepContext,
  options: EmFitOptions,
  given: ParamValues,
  mstep: ScaleMixtureMStepOptions,
): ParamValues {
  // A previous run's ν is not this run's start.
  model.nu.fill(DEFAULT_NU);
  applyDegreesOfFreedom(model);
  const complete = model.program.params.every((p) => given[p.name] !== undefined);
  if (!complete) {
    const { n, d, K } = model;
    model.eu.fill(1);
    const method = options.initMethod ?? 'kmeans++';
    if (K === 1) model.resp.fill(1);
    else if (method === 'random' || n < K) {
      const row = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        sampleDirichlet(ctx.rng, 1, row);
        model.resp.set(row, i * K);
      }
    } else {
      const seeder = method === 'random-points' ? randomPoints : kmeansPlusPlus;
      assignByKmeans(model, seeder(model.x, n, d, K, ctx.rng));
    }
    // Given values are loaded first so that fixed ones are what the M-step holds.
    loadScaleMixtureParams(model, given);
    if (distinctMixing(model) && K <= 5) bestLabelling(model, ctx, given, mstep);
    else mStepScaleMixture(model, ctx, mstep);
  }
  loadScaleMixtureParams(model, given);
  return saveScaleMixtureParams(model);
}

function hooks(model: ScaleMixtureModel, options: EmFitOptions): EmHooks<ParamValues, ScaleMixtureStats> {
  const fixed = flatValues(model, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(model, options.init ?? {}, 'init'), ...fixed };
  const mstep = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(fixed)) };
  return {
    initialize: (ctx) => initialize(model, ctx, options, given, mstep),
    eStep: (params, assign) => {
      const e = eStepScaleMixture(model, params);
      if (!assign || assign.assignment === 'soft' || model.K === 1) return e;
      const gap = assignResponsibilities(model.resp, model.n, model.K, assign.assignment, assign.rng);
      const objective = e.objective + gap;
      return { ...e, objective: Number.isNaN(objective) ? Number.NEGATIVE_INFINITY : objective };
    },
    mStep: (_stats, ctx) => {
      const params = mStepScaleMixture(model, ctx, mstep);
      if (!model.program.degreesOfFreedom) return params;
      updateDegreesOfFreedom(model, mstep.fixed);
      return saveScaleMixtureParams(model);
    },
  };
}

/** Fits a scale mixture and returns the result with the posteriors at the returned params. */
export function fitScaleMixture(program: ScaleMixtureProgram, data: BoundData, options: EmFitOptions = {}): ProgramFit {
  if ((options.accelerate ?? 'none') !== 'none') {
    throw new FitSetupError(
      `acceleration '${options.accelerate}' is not available for the scale-mixture E-step yet: fit without it`,
    );
  }
  const model = prepareScaleMixture(program, data);
  const { best } = runEm(hooks(model, options), options);
  const soft = eStepScaleMixture(model, best.params);
  const free = program.params.filter((p) => options.fixed?.[p.name] === undefined);
  const nParams = countParams(
    free.map((p) => ({
      element: p.element,
      dims: p.dims.map((dim) => resolveDim(dim, data.sizes)),
      shape: p.shape.map((dim) => resolveDim(dim, data.sizes)),
    })),
  );
  const params: Record<string, ParamValue> = {};
  for (const p of program.params) {
    const shape = [...p.dims, ...p.shape].map((dim) => resolveDim(dim, data.sizes));
    params[p.name] = nestValues(best.params[p.name]!, shape);
  }
  const result = runResult(program, best, {
    logLik: soft.stats.logLik,
    params,
    nParams,
    nObs: model.n,
    entropy: soft.stats.entropy,
  });
  const { n, K, resp } = model;
  const latent = program.component?.latent;
  const responsibilities = Array.from({ length: n }, (_, i) => Array.from(resp.subarray(i * K, (i + 1) * K)));
  return {
    result,
    posteriors: {
      latents: latent ? [latent] : [],
      states: Array.from({ length: K }, (_, k) => (latent ? `${latent}=${k}` : 'item')),
      responsibilities,
      means: { [program.precision]: Array.from(expectedPrecisions(model)) },
    },
  };
}
