/**
 * `fitLinearGaussian(program, data, options)`: runs the EM driver with the hooks of the
 * `factor` executor (FA, PPCA, mixtures of factor analysers) or the `chain` executor (Kalman
 * smoothing), and assembles the same `FitResult` and `Posteriors` as the mixture executor:
 * responsibilities of the selector (for a mixture) and the posterior means of the continuous
 * latent (`means`: E[f[n] | x[n]], or the smoothed E[f[s][t] | x[s]] of every time step of
 * every sequence in order). Given and fixed values override the initial ones; fixed params
 * are skipped by the M-step and not counted as free. SQUAREM works through the unconstrained
 * parameterisation of unconstrained.ts.
 */
import type { BoundData } from '../data/bind-data.js';
import { countParams } from '../em/criteria.js';
import { type EmHooks, runEm } from '../em/em-driver.js';
import type { EmFitOptions, ProgramFit } from '../em/fit.js';
import { flattenValue, nestValues, type ParamValue, runResult } from '../em/fit-result.js';
import { FitSetupError, type ParamValues } from '../em/mixture.js';
import { eStepChain, mStepChain, prepareChainModel } from './chain-model.js';
import { eStepFactor, factorMeans, type LgMStepOptions, mStepFactor, prepareFactorModel } from './factor-model.js';
import { initializeChain, initializeFactor } from './initialize.js';
import type { ModelValues } from './model-values.js';
import type { LinearGaussianProgram } from './program.js';
import { makeLgUnconstrained } from './unconstrained.js';

function flatValues(mv: ModelValues, given: Readonly<Record<string, ParamValue>>, what: string) {
  const out: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(given)) {
    const p = mv.params.get(name);
    if (!p) throw new FitSetupError(`${what}: '${name}' is not a param`);
    const flat = Float64Array.from(flattenValue(v));
    if (flat.length !== p.length) throw new FitSetupError(`'${name}' has ${flat.length} values, expected ${p.length}`);
    out[name] = flat;
  }
  return out;
}

interface Executor {
  readonly values: ModelValues;
  readonly nObs: number;
  initialize(rng: Parameters<typeof initializeFactor>[1]): Record<string, Float64Array>;
  hooks(options: LgMStepOptions): Pick<EmHooks<ParamValues, { values: ParamValues }>, 'eStep' | 'mStep'>;
  /** The soft E-step at the final params: log-likelihood, entropy and posteriors. */
  posteriors(values: ParamValues): { logLik: number; entropy: number; posteriors: ProgramFit['posteriors'] };
}

function executorOf(program: LinearGaussianProgram, data: BoundData): Executor {
  if (program.form === 'factor') {
    const m = prepareFactorModel(program, data);
    const latent = program.latent.name;
    const mixture = program.mixture;
    return {
      values: m.values,
      nObs: m.n,
      initialize: (rng) => initializeFactor(m, rng),
      hooks: (options) => ({
        eStep: (values, assign) => eStepFactor(m, values, assign),
        mStep: (stats, ctx) => mStepFactor(m, stats, ctx, options),
      }),
      posteriors: (values) => {
        eStepFactor(m, values);
        const responsibilities = mixture
          ? Array.from({ length: m.n }, (_, i) => Array.from(m.resp.subarray(i * m.k, (i + 1) * m.k)))
          : [];
        return {
          logLik: m.logLik,
          entropy: m.entropy,
          posteriors: {
            latents: mixture ? [mixture.latent] : [],
            states: mixture ? Array.from({ length: m.k }, (_, k) => `${mixture.latent}=${k}`) : [],
            responsibilities,
            means: { [latent]: factorMeans(m) },
          },
        };
      },
    };
  }
  const m = prepareChainModel(program, data);
  return {
    values: m.values,
    nObs: m.starts[m.starts.length - 1]!,
    initialize: (rng) => initializeChain(m, rng),
    hooks: (options) => ({
      eStep: (values) => eStepChain(m, values),
      mStep: (stats, ctx) => mStepChain(m, stats, ctx, options),
    }),
    posteriors: (values) => {
      eStepChain(m, values);
      const steps = m.starts[m.starts.length - 1]!;
      const means = Array.from({ length: steps }, (_, t) => Array.from(m.means.subarray(t * m.l, (t + 1) * m.l)));
      return {
        logLik: m.logLik,
        entropy: 0,
        posteriors: { latents: [], states: [], responsibilities: [], means: { [program.latent.name]: means } },
      };
    },
  };
}

/** Fits a linear-Gaussian program and returns the result with the posteriors of its latents. */
export function fitLinearGaussian(
  program: LinearGaussianProgram,
  data: BoundData,
  options: EmFitOptions = {},
): ProgramFit {
  const ex = executorOf(program, data);
  const fixed = flatValues(ex.values, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(ex.values, options.init ?? {}, 'init'), ...fixed };
  const mstep: LgMStepOptions = { fixed: new Set(Object.keys(fixed)), regCovar: options.regCovar ?? 1e-6 };
  const unconstrained = makeLgUnconstrained(ex.values, fixed);
  const hooks: EmHooks<ParamValues, { values: ParamValues }> = {
    initialize: (ctx) => {
      const values = ex.initialize(ctx.rng);
      for (const [name, v] of Object.entries(given)) values[name] = Float64Array.from(v);
      return values;
    },
    ...ex.hooks(mstep),
    unconstrain: (values) => unconstrained.unconstrain(values),
    constrain: (u) => unconstrained.constrain(u),
  };
  const { best } = runEm(hooks, options);
  const final = ex.posteriors(best.params);
  const free = [...ex.values.params.values()].filter((p) => options.fixed?.[p.spec.name] === undefined);
  const nParams = countParams(free.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape })));
  const params: Record<string, ParamValue> = {};
  for (const p of ex.values.params.values())
    params[p.spec.name] = nestValues(best.params[p.spec.name]!, [...p.dims, ...p.shape]);
  const result = runResult(program, best, {
    logLik: final.logLik,
    params,
    nParams,
    nObs: ex.nObs,
    entropy: final.entropy,
  });
  return { result, posteriors: final.posteriors };
}
