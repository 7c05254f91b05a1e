/**
 * The chain executor: a `ChainProgram` bound to data. Every step of every sequence becomes one
 * item of the per-step `FitProgram` (ragged data already lies back to back; a rectangular
 * `y[S][T]` is read the same way), which the mixture executor prepares with `init` and `trans`
 * as passengers (their values and priors live there; its M-step skips them). The E-step sums
 * the per-step kernels into an [n, S] matrix of joint log densities (S = K · C: the chain state
 * slowest, then the other per-step latents), marginalises it to the chain's [n, K] emission
 * log-likelihoods, runs forward–backward per sequence, and writes the joint posteriors
 * p(h_i = k, m_i = c | sequence) = γ_i(k) · p(m_i = c | h_i = k, y_i) back into the matrix,
 * where the mixture M-step reads them. A step whose emission is missing contributes no emission
 * term (its per-step latents keep their prior).
 */
import type { BoundData, BoundVariable } from '../data/bind-data.js';
import type { FitParam } from '../em/fit-program.js';
import {
  FitSetupError,
  loadParams,
  logPriorOf,
  type Mixture,
  type MixtureParam,
  type ParamValues,
  prepareMixture,
  resolveDim,
} from '../em/mixture.js';
import type { ChainParam, ChainProgram } from './chain-program.js';
import { type ForwardBackwardWork, forwardBackward, makeForwardBackwardWork } from './forward-backward.js';

const NEG_INF = Number.NEGATIVE_INFINITY;

export interface Chain {
  readonly program: ChainProgram;
  /** The per-step part over all n steps, with `init` and `trans` among its params. */
  readonly mix: Mixture;
  /** Chain states K, and C = S / K joint states of the other per-step latents per chain state. */
  readonly K: number;
  readonly C: number;
  /** shape [sequences + 1]: sequence s holds steps start[s] … start[s+1]−1. */
  readonly start: Int32Array;
  /** shape [n]: 1 where the step has no emission (its data missing). */
  readonly missing: Uint8Array;
  readonly anyMissing: boolean;
  /** Steps with an emission. */
  readonly observed: number;
  readonly init: MixtureParam;
  readonly trans: MixtureParam;
  /** shape [n, K]: log p(y_i | h_i = k), the per-step latents summed out. */
  readonly logE: Float64Array;
  /** shape [n, K]: smoothed marginals γ. */
  readonly gamma: Float64Array;
  /** shape [K, K]: Σ over sequences and steps of ξ; shape [K]: Σ over sequences of γ at step 0. */
  readonly xiSum: Float64Array;
  readonly gamma0: Float64Array;
  readonly work: ForwardBackwardWork;
}

export interface ChainStats {
  readonly logLik: number;
  readonly logPrior: number;
  /** The entropy of the posterior over every latent (for ICL); 0 unless asked for. */
  readonly entropy: number;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** `init` and `trans` as params of the per-step program: held there, updated by the chain's M-step. */
function passenger(p: ChainParam): FitParam {
  const { text: _text, ...declared } = p;
  return { ...declared, factor: -1, argument: 'p' };
}

/**
 * A data variable read per step: ragged rows as bound, a rectangular `y[S][T]…` given the
 * same offsets; missing entries replaced by 0 (their terms are discarded, and the M-step gives
 * them no weight), so no NaN reaches a kernel or an update.
 */
function stepVariable(v: BoundVariable, start: Int32Array, n: number): BoundVariable {
  const itemSize = v.offsets ? v.itemSize : product(v.shape.slice(2));
  if (v.values.length !== n * itemSize) {
    throw new FitSetupError(
      `data '${v.name}' has ${v.values.length / Math.max(1, itemSize)} steps, but the sequences have ${n}`,
    );
  }
  const values = v.missing ? v.values.map((x) => (Number.isNaN(x) ? 0 : x)) : v.values;
  return { ...v, values, offsets: start, itemSize };
}

/** Which steps have no emission: every entry of every per-step data variable missing there. */
function missingSteps(vars: readonly BoundVariable[], n: number): Uint8Array {
  const missing = new Uint8Array(n);
  vars.forEach((v, index) => {
    const size = v.offsets ? v.itemSize : product(v.shape.slice(2));
    for (let i = 0; i < n; i++) {
      let count = 0;
      for (let j = 0; j < size; j++) count += v.missing?.[i * size + j] ?? 0;
      const none = count === size;
      if (count > 0 && !none) {
        throw new FitSetupError(
          `data '${v.name}' has some but not all entries missing at step ${i} (counting every step of every sequence): ` +
            'the forward–backward E-step drops whole steps only; mark the whole step missing, or impute the entries',
        );
      }
      if (index === 0) missing[i] = none ? 1 : 0;
      else if ((missing[i] === 1) !== none) {
        throw new FitSetupError(
          `data '${v.name}' and '${vars[0]!.name}' are missing at different steps (step ${i}): ` +
            'the forward–backward E-step drops whole steps only',
        );
      }
    }
  });
  return missing;
}

/** Binds a chain program to data: everything the E- and M-steps need, allocated once. */
export function prepareChain(program: ChainProgram, data: BoundData): Chain {
  const sizes = data.sizes;
  const nSeq = resolveDim(program.sequences.size, sizes);
  const lengths =
    data.raggedSizes[program.steps.size] ?? new Array<number>(nSeq).fill(resolveDim(program.steps.size, sizes));
  if (lengths.length !== nSeq) {
    throw new FitSetupError(`${program.steps.size} has ${lengths.length} lengths for ${nSeq} sequences`);
  }
  const start = new Int32Array(nSeq + 1);
  for (let s = 0; s < nSeq; s++) start[s + 1] = start[s]! + lengths[s]!;
  const n = start[nSeq]!;
  const names = new Set<string>();
  for (const f of program.emission.factors) {
    if (f.child.kind === 'data' && f.child.atItem) names.add(f.child.name);
    for (const a of f.args) if (a.source.kind === 'data' && a.source.atItem) names.add(a.source.name);
  }
  const variables: Record<string, BoundVariable> = { ...data.variables };
  const observedVars: BoundVariable[] = [];
  for (const name of names) {
    const v = data.variables[name];
    if (!v) throw new FitSetupError(`data '${name}' is missing`);
    variables[name] = stepVariable(v, start, n);
    if (program.emission.factors.some((f) => f.child.kind === 'data' && f.child.name === name)) observedVars.push(v);
  }
  const missing = missingSteps(observedVars, n);
  const stepProgram = {
    ...program.emission,
    plate: { index: program.emission.plate.index, size: n },
    params: [...program.emission.params, passenger(program.init), passenger(program.trans)],
  };
  const mix = prepareMixture(stepProgram, { ...data, variables });
  const first = mix.latents[0];
  if (first?.name !== program.latent.name) throw new Error(`the first per-step latent is not ${program.latent.name}`);
  const K = first.states;
  const find = (name: string) => {
    const p = mix.params.find((q) => q.spec.name === name);
    if (!p) throw new Error(`param ${name} is not prepared`);
    return p;
  };
  let observed = 0;
  for (let i = 0; i < n; i++) observed += 1 - missing[i]!;
  return {
    program,
    mix,
    K,
    C: mix.S / K,
    start,
    missing,
    anyMissing: observed < n,
    observed,
    init: find(program.init.name),
    trans: find(program.trans.name),
    logE: new Float64Array(n * K),
    gamma: new Float64Array(n * K),
    xiSum: new Float64Array(K * K),
    gamma0: new Float64Array(K),
    work: makeForwardBackwardWork(n, K),
  };
}

/** The joint log densities of every step and joint state into `mix.resp` (no emission term at a missing step). */
function stepLogDensities(chain: Chain): void {
  const { mix, missing } = chain;
  const { resp, n, S } = mix;
  resp.fill(0);
  const observations = mix.factors.filter((f) => f.spec.child.kind === 'data');
  for (const f of observations) {
    for (let s = 0; s < S; s++) f.kernel(resp, S, s, n, f.child[s]!, f.args[s]!, mix.work);
  }
  if (chain.anyMissing) for (let i = 0; i < n; i++) if (missing[i] === 1) resp.fill(0, i * S, (i + 1) * S);
  for (const f of mix.factors) {
    if (f.spec.child.kind === 'data') continue;
    for (let s = 0; s < S; s++) f.kernel(resp, S, s, n, f.child[s]!, f.args[s]!, mix.work);
  }
}

/** logE[i, k] = log Σ_c exp(resp[i, k·C + c]). */
function emissionLogLik(chain: Chain): void {
  const { mix, K, C, logE } = chain;
  const { resp, n, S } = mix;
  if (C === 1) {
    logE.set(resp);
    return;
  }
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const base = i * S + k * C;
      let max = NEG_INF;
      for (let c = 0; c < C; c++) if (resp[base + c]! > max) max = resp[base + c]!;
      if (!(max > NEG_INF)) {
        logE[i * K + k] = NEG_INF;
        continue;
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(resp[base + c]! - max);
      logE[i * K + k] = max + Math.log(sum);
    }
  }
}

/**
 * resp[i, k·C + c] = γ(i, k) · exp(logp[i, k·C + c] − logE[i, k]), in place; with `entropy`,
 * adds the entropy of the per-step latents given the chain state, −Σ r log(r / γ).
 */
function jointPosteriors(chain: Chain, entropy?: Float64Array): void {
  const { mix, K, C, logE, gamma } = chain;
  const { resp, n, S } = mix;
  if (C === 1) {
    // No per-step latent besides the chain's: the joint posterior is γ itself, with no entropy of its own.
    resp.set(gamma);
    return;
  }
  let h = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const base = i * S + k * C;
      const g = gamma[i * K + k]!;
      const le = logE[i * K + k]!;
      for (let c = 0; c < C; c++) {
        const r = le > NEG_INF ? g * Math.exp(resp[base + c]! - le) : g / C;
        resp[base + c] = r;
        if (entropy && r > 0) h -= r * Math.log(r / g);
      }
    }
  }
  if (entropy) entropy[0]! += h;
}

/**
 * The E-step at `values`: γ in `chain.gamma`, the joint step posteriors in `chain.mix.resp`,
 * Σξ and Σγ₀ for the chain's M-step, the log-likelihood and the objective. With `withEntropy`
 * also the posterior entropy (for ICL).
 */
export function eStepChain(
  chain: Chain,
  values: ParamValues,
  withEntropy = false,
): { objective: number; stats: ChainStats } {
  const { mix, K, start, gamma, xiSum, gamma0 } = chain;
  loadParams(mix, values);
  stepLogDensities(chain);
  emissionLogLik(chain);
  xiSum.fill(0);
  gamma0.fill(0);
  const entropy = withEntropy ? new Float64Array(1) : undefined;
  let logLik = 0;
  for (let s = 0; s + 1 < start.length; s++) {
    const n0 = start[s]!;
    const L = start[s + 1]! - n0;
    if (L === 0) continue;
    logLik += forwardBackward(
      chain.logE,
      n0,
      L,
      K,
      chain.init.values,
      chain.trans.values,
      chain.work,
      gamma,
      xiSum,
      entropy,
    );
    for (let k = 0; k < K; k++) gamma0[k]! += gamma[n0 * K + k]!;
  }
  jointPosteriors(chain, entropy);
  const logPrior = logPriorOf(mix);
  const objective = logLik + logPrior;
  return {
    objective: Number.isNaN(objective) ? NEG_INF : objective,
    stats: { logLik, logPrior, entropy: entropy?.[0] ?? 0 },
  };
}
