/**
 * `fitChain(program, data, options)`: runs EM (Baum–Welch) on a `ChainProgram` bound to data —
 * the chain executor's hooks in the generic driver — and returns the `FitResult` with the
 * posteriors at the returned params: the joint step posteriors (one row per step of every
 * sequence, in order; states named like the mixture's, `h=0` or `h=0,m=1`) and the Viterbi path
 * of the chain latent per sequence (the per-step latents summed out). Only the `em` variant runs
 * here. AIC/BIC count the free params from their declared types and use the number of steps with
 * an emission; ICL adds twice the entropy of the posterior over all latents.
 */
import type { BoundData } from '../data/bind-data.js';
import { countParams } from '../em/criteria.js';
import { type EmHooks, type EmOutcome, runEm } from '../em/em-driver.js';
import { type EmFitOptions, type ProgramFit, stateNames } from '../em/fit.js';
import { flattenValue, nestValues, type ParamValue, runResult } from '../em/fit-result.js';
import { FitSetupError, type ParamValues } from '../em/mixture.js';
import { makeUnconstrained } from '../em/unconstrained.js';
import { generalForced } from '../fast/specialise.js';
import { type Chain, type ChainStats, eStepChain, prepareChain } from './chain.js';
import { initializeChain } from './chain-init.js';
import { mStepChain } from './chain-m-step.js';
import type { ChainProgram } from './chain-program.js';
import { type FastChainStats, fastChainHooks } from './fast-chain.js';
import { viterbi } from './forward-backward.js';

function flatValues(chain: Chain, given: Readonly<Record<string, ParamValue>>, what: string) {
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(given)) {
    const p = chain.mix.params.find((q) => q.spec.name === name);
    if (!p) throw new FitSetupError(`${what}: '${name}' is not a param of ${chain.program.model}`);
    const flat = Float64Array.from(flattenValue(v));
    if (flat.length !== p.values.length)
      throw new FitSetupError(`${what}: '${name}' has ${flat.length} values, expected ${p.values.length}`);
    values[name] = flat;
  }
  return values;
}

function chainHooks(chain: Chain, options: EmFitOptions): EmHooks<ParamValues, ChainStats> {
  const fixedValues = flatValues(chain, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(chain, options.init ?? {}, 'init'), ...fixedValues };
  const regCovar = options.regCovar ?? 1e-6;
  const fixed = new Set(Object.keys(fixedValues));
  const unconstrained = makeUnconstrained(chain.mix, fixedValues);
  return {
    initialize: (ctx) =>
      initializeChain(chain, ctx, {
        regCovar,
        fixed,
        values: given,
        ...(options.initMethod ? { method: options.initMethod } : {}),
      }),
    eStep: (params) => eStepChain(chain, params),
    mStep: (_stats, ctx) => mStepChain(chain, ctx, { regCovar, fixed }),
    unconstrain: (params) => unconstrained.unconstrain(params),
    constrain: (u) => unconstrained.constrain(u),
  };
}

/** The Viterbi path of every sequence at the params last loaded (after an E-step). */
export function viterbiPaths(chain: Chain): number[][] {
  const { K, start, logE } = chain;
  const logInit = chain.init.values.map(Math.log);
  const logTrans = chain.trans.values.map(Math.log);
  const delta = new Float64Array(K);
  const next = new Float64Array(K);
  const back = new Int32Array(logE.length);
  const paths: number[][] = [];
  for (let s = 0; s + 1 < start.length; s++) {
    const n0 = start[s]!;
    const path = new Array<number>(start[s + 1]! - n0).fill(0);
    viterbi(logE, n0, path.length, K, logInit, logTrans, delta, next, back, path);
    paths.push(path);
  }
  return paths;
}

/** Fits and returns the result with the smoothed posteriors and Viterbi paths at its params. */
export function fitChain(program: ChainProgram, data: BoundData, options: EmFitOptions = {}): ProgramFit {
  if ((options.variant ?? 'em') !== 'em') {
    throw new FitSetupError(
      `the '${options.variant}' variant is not available for the forward–backward E-step of ${program.model}: use 'em'`,
    );
  }
  const chain = prepareChain(program, data);
  const general = chainHooks(chain, options);
  // The specialised E- and M-steps (fast-chain.ts) when they cover the model; `specialise: false` or EMFORGE_GENERAL=1 forces the general ones.
  const fastOptions = {
    regCovar: options.regCovar ?? 1e-6,
    fixed: new Set(Object.keys(options.fixed ?? {})),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  };
  const fastHooks = generalForced(options) ? undefined : fastChainHooks(chain, general, fastOptions);
  let outcome: EmOutcome<ParamValues, ChainStats>;
  try {
    outcome = runEm(fastHooks ?? general, options);
  } finally {
    fastHooks?.release();
  }
  const { best } = outcome;
  const { mix } = chain;
  const free = mix.params.filter((p) => options.fixed?.[p.spec.name] === undefined);
  const nParams = countParams(free.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape })));
  // Without posteriors, the fast E-step's statistics at the returned params already give the
  // log-likelihood and the path entropy (fast-chain-entropy.ts): no further pass over the data.
  const fastFinal = options.posteriors === false ? (best.stats as FastChainStats).fast : undefined;
  const final = fastFinal ? { stats: best.stats } : eStepChain(chain, best.params, true);
  const params: Record<string, ParamValue> = {};
  for (const declared of program.params) {
    const p = mix.params.find((q) => q.spec.name === declared.name)!;
    params[declared.name] = nestValues(best.params[declared.name]!, [...p.dims, ...p.shape]);
  }
  const result = runResult(program, best, {
    logLik: final.stats.logLik,
    params,
    nParams,
    nObs: chain.observed,
    entropy: final.stats.entropy,
  });
  const responsibilities = Array.from({ length: options.posteriors === false ? 0 : mix.n }, (_, i) =>
    Array.from(mix.resp.subarray(i * mix.S, (i + 1) * mix.S)),
  );
  return {
    result,
    posteriors: {
      latents: mix.latents.map((l) => l.name),
      states: stateNames(mix),
      responsibilities,
      paths: { [program.latent.name]: options.posteriors === false ? [] : viterbiPaths(chain) },
    },
  };
}
