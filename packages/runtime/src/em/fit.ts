/**
 * `fitProgram(program, data, options)`: runs EM on a `FitProgram` bound to data — the mixture
 * executor's hooks in the generic driver — and assembles the `FitResult`. `fitWithPosteriors`
 * also returns the responsibilities at the returned params. Fixed params are loaded before
 * initialisation, skipped by the M-step and not counted as free.
 */
import type { BoundData } from '../data/bind-data.js';
import { fitFast } from '../fast/fit-fast.js';
import { specialiseMixture } from '../fast/specialise.js';
import { resetNumericParams } from '../numeric/numeric-m-step.js';
import { countParams } from './criteria.js';
import { type EmHooks, type EmOptions, runEm } from './em-driver.js';
import type { FitProgram } from './fit-program.js';
import { type FitResult, flattenValue, nestValues, type ParamValue, runResult } from './fit-result.js';
import { type InitMethod, initializeMixture } from './init.js';
import {
  eStepMixture,
  FitSetupError,
  loadParams,
  type Mixture,
  type MixtureStats,
  type ParamValues,
  prepareMixture,
  stateOf,
} from './mixture.js';
import { mStepMixture } from './mixture-m-step.js';
import { makeUnconstrained } from './unconstrained.js';
import { assignResponsibilities } from './variants.js';

export interface EmFitOptions extends EmOptions {
  /** Added to covariance diagonals and variances after each M-step (default 1e-6). */
  readonly regCovar?: number;
  readonly initMethod?: InitMethod;
  /** Initial values of some or all params, in their declared (nested) shape. */
  readonly init?: Readonly<Record<string, ParamValue>>;
  /** Params held at these values (their M-step skipped; not free in AIC/BIC). */
  readonly fixed?: Readonly<Record<string, ParamValue>>;
  /**
   * Add standard errors from the observed information to the result (`fitAnyProgram` only;
   * se/fit-standard-errors.ts). Costs O(m²) objective evaluations for m free values.
   */
  readonly standardErrors?: boolean;
  /** Return the responsibilities (default true); false leaves `posteriors.responsibilities` empty. */
  readonly posteriors?: boolean;
  /** Threads of the fast executor (default every core): the E-step's passes, or for small passes the restarts. */
  readonly threads?: number;
  /** false: always the general mixture executor, never the fast one (fast/specialise.ts). */
  readonly specialise?: boolean;
}

/** Responsibilities per item and joint latent state, at the returned params. */
export interface Posteriors {
  readonly latents: readonly string[];
  /** One name per joint state: `z=0`, or `a=0,b=1` for several latents (the first slowest). */
  readonly states: readonly string[];
  /** shape [n][S] (for a chain, n runs over every time step of every sequence, in order) */
  readonly responsibilities: readonly (readonly number[])[];
  /** For a discrete chain: the most probable state path (Viterbi), one array per sequence. */
  readonly paths?: Readonly<Record<string, readonly (readonly number[])[]>>;
  /** Posterior means of continuous latents by name, per item (`E[f[n] | x[n]]`, `E[u[n] | x[n]]`). */
  readonly means?: Readonly<Record<string, readonly (number | readonly number[])[]>>;
  /** Data with missing entries, the missing ones replaced by their conditional means. */
  readonly imputed?: Readonly<Record<string, ParamValue>>;
}

/** A fit and the posteriors of its latents at the returned params. */
export interface ProgramFit {
  readonly result: FitResult;
  readonly posteriors: Posteriors;
}

export function flatValues(program: FitProgram, given: Readonly<Record<string, ParamValue>>, what: string) {
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(given)) {
    if (!program.params.some((p) => p.name === name))
      throw new FitSetupError(`${what}: '${name}' is not a param of ${program.model}`);
    values[name] = Float64Array.from(flattenValue(v));
  }
  return values;
}

function mixtureHooks(mix: Mixture, options: EmFitOptions): EmHooks<ParamValues, MixtureStats> {
  const fixed = flatValues(mix.program, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(mix.program, options.init ?? {}, 'init'), ...fixed };
  for (const p of mix.params) {
    const v = given[p.spec.name];
    if (v && v.length !== p.values.length)
      throw new FitSetupError(`'${p.spec.name}' has ${v.length} values, expected ${p.values.length}`);
  }
  const mstep = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(fixed)) };
  const unconstrained = makeUnconstrained(mix, fixed);
  return {
    initialize: (ctx) => {
      // Numeric params start each run from the same point (whatever the previous run left).
      if (mix.grads) resetNumericParams(mix, ctx.rng);
      loadParams(mix, given);
      return initializeMixture(
        mix,
        ctx,
        options.initMethod ? { ...mstep, values: given, method: options.initMethod } : { ...mstep, values: given },
      );
    },
    eStep: (params, assign) => {
      const e = eStepMixture(mix, params);
      if (!assign || assign.assignment === 'soft') return e;
      const gap = assignResponsibilities(mix.resp, mix.n, mix.S, assign.assignment, assign.rng);
      return { ...e, objective: Number.isNaN(e.objective + gap) ? Number.NEGATIVE_INFINITY : e.objective + gap };
    },
    mStep: (_stats, ctx) => mStepMixture(mix, ctx, mstep),
    unconstrain: (params) => unconstrained.unconstrain(params),
    constrain: (u) => unconstrained.constrain(u),
  };
}

/** The names of the joint states, `z=0` or `a=0,b=1`. */
export function stateNames(mix: Mixture): string[] {
  return Array.from({ length: mix.S }, (_, s) =>
    mix.latents.length === 0 ? 'item' : mix.latents.map((l) => `${l.name}=${stateOf(l, s)}`).join(','),
  );
}

/** Fits and returns the result with the responsibilities (soft, whatever the variant) at its params. */
export function fitWithPosteriors(program: FitProgram, data: BoundData, options: EmFitOptions = {}): ProgramFit {
  const fast = specialiseMixture(program, data, options);
  if (fast) return fitFast(fast, data, options);
  const mix = prepareMixture(program, data);
  const { best } = runEm(mixtureHooks(mix, options), options);
  const free = mix.params.filter((p) => options.fixed?.[p.spec.name] === undefined);
  const nParams = countParams(free.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape })));
  const soft = eStepMixture(mix, best.params);
  const params: Record<string, ParamValue> = {};
  for (const p of mix.params) params[p.spec.name] = nestValues(best.params[p.spec.name]!, [...p.dims, ...p.shape]);
  const result = runResult(program, best, {
    logLik: soft.stats.logLik,
    params,
    nParams,
    nObs: mix.n,
    entropy: soft.stats.entropy,
  });
  const responsibilities = Array.from({ length: options.posteriors === false ? 0 : mix.n }, (_, i) =>
    Array.from(mix.resp.subarray(i * mix.S, (i + 1) * mix.S)),
  );
  return {
    result,
    posteriors: { latents: mix.latents.map((l) => l.name), states: stateNames(mix), responsibilities },
  };
}

export function fitProgram(program: FitProgram, data: BoundData, options: EmFitOptions = {}): FitResult {
  return fitWithPosteriors(program, data, options).result;
}
