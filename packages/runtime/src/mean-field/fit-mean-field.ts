/**
 * `fitMeanField(program, data, options)`: variational EM for a mean-field program (LDA) in the
 * generic EM driver. The driver's objective is the ELBO after each E-step, which never
 * decreases: the M-step maximises it exactly in β (and in α by monotone Newton steps), and the
 * E-step's coordinate updates each raise it. Initialisation per run: each topic's distribution
 * is seeded from one random document's word counts plus 0.1 per word (then normalised), and
 * α (a param) starts at 1; given `init` values override, `fixed` values are held. The result
 * says `approximate: true`; its `logLik` is the ELBO (a lower bound on the log-likelihood).
 * Posteriors: per word token the topic distribution φ, and per document E_q[θ_d] = γ_d / Σγ_d.
 */
import type { BoundData } from '../data/bind-data.js';
import { computeCriteria, countParams } from '../em/criteria.js';
import { type EmHooks, runEm } from '../em/em-driver.js';
import type { EmFitOptions, ProgramFit } from '../em/fit.js';
import { type FitResult, flattenValue, nestValues, type ParamValue } from '../em/fit-result.js';
import { FitSetupError, type ParamValues, resolveDim } from '../em/mixture.js';
import { mStepLda } from './lda-m-step.js';
import { eStepLda, type LdaModel, prepareLda } from './lda-model.js';
import type { MeanFieldProgram } from './mean-field-program.js';

/** The live array of a param by name. */
function liveArray(model: LdaModel, name: string): Float64Array | undefined {
  if (name === model.program.topicWord) return model.beta;
  if (model.program.alpha.kind === 'param' && name === model.program.alpha.name) return model.alpha;
  return undefined;
}

function load(model: LdaModel, values: ParamValues): void {
  for (const [name, v] of Object.entries(values)) liveArray(model, name)?.set(v);
}

function save(model: LdaModel): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const p of model.program.params) {
    const live = liveArray(model, p.name);
    if (live) out[p.name] = live.slice();
  }
  return out;
}

function flatValues(model: LdaModel, given: Readonly<Record<string, ParamValue>>, what: string): ParamValues {
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(given)) {
    const live = liveArray(model, name);
    if (!live) throw new FitSetupError(`${what}: '${name}' is not a param of ${model.program.model}`);
    const flat = Float64Array.from(flattenValue(v));
    if (flat.length !== live.length)
      throw new FitSetupError(`'${name}' has ${flat.length} values, expected ${live.length}`);
    values[name] = flat;
  }
  return values;
}

/** Topic k's distribution from a random document's word counts plus 0.1 per word. */
function seedTopics(model: LdaModel, pick: (n: number) => number): void {
  const { K, V, beta, docStart, word, count } = model;
  for (let k = 0; k < K; k++) {
    const d = pick(model.D);
    for (let v = 0; v < V; v++) beta[k * V + v] = 0.1;
    for (let e = docStart[d]!; e < docStart[d + 1]!; e++) beta[k * V + word[e]!]! += count[e]!;
    let total = 0;
    for (let v = 0; v < V; v++) total += beta[k * V + v]!;
    for (let v = 0; v < V; v++) beta[k * V + v]! /= total;
  }
}

function hooks(model: LdaModel, options: EmFitOptions): EmHooks<ParamValues, null> {
  const fixed = flatValues(model, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(model, options.init ?? {}, 'init'), ...fixed };
  const held = new Set(Object.keys(fixed));
  return {
    initialize: (ctx) => {
      seedTopics(model, (n) => ctx.rng.uniformInt(n));
      if (model.program.alpha.kind === 'param') model.alpha.fill(1);
      load(model, given);
      return save(model);
    },
    eStep: (params) => {
      load(model, params);
      return { objective: eStepLda(model), stats: null };
    },
    mStep: (_stats, ctx) => {
      mStepLda(model, ctx, held);
      return save(model);
    },
  };
}

/** Fits a mean-field program and returns the result with the variational posteriors at the returned params. */
export function fitMeanField(program: MeanFieldProgram, data: BoundData, options: EmFitOptions = {}): ProgramFit {
  if ((options.accelerate ?? 'none') !== 'none')
    throw new FitSetupError(`acceleration '${options.accelerate}' is not available for mean-field EM: fit without it`);
  if ((options.variant ?? 'em') !== 'em')
    throw new FitSetupError(`the '${options.variant}' variant is not available for mean-field EM: fit without it`);
  const model = prepareLda(program, data);
  const { best } = runEm(hooks(model, options), options);
  load(model, best.params);
  const elbo = eStepLda(model);
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
  const result: FitResult = {
    model: program.model,
    strategy: program.strategy,
    logLik: elbo,
    objective: best.objective,
    iterations: best.iterations,
    emSteps: best.emSteps,
    converged: best.converged,
    params,
    ...computeCriteria(elbo, nParams, model.D, 0),
    nParams,
    nObs: model.D,
    history: best.history,
    warnings: best.warnings,
    approximate: true,
  };
  const { K, D, phi, gamma, entryOfToken } = model;
  const responsibilities = Array.from(entryOfToken, (e) => Array.from(phi.subarray(e * K, (e + 1) * K)));
  const theta = Array.from({ length: D }, (_, d) => {
    const g = gamma.subarray(d * K, (d + 1) * K);
    const sum = g.reduce((a, b) => a + b, 0);
    return Array.from(g, (x) => x / sum);
  });
  return {
    result,
    posteriors: {
      latents: [program.topic],
      states: Array.from({ length: K }, (_, k) => `${program.topic}=${k}`),
      responsibilities,
      means: { [program.proportions]: theta },
    },
  };
}
