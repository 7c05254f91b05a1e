/**
 * The fast path of the chain executor for the two common HMMs — `y ~ MvNormal(mu[h], Sigma[h])`
 * and `y ~ Categorical(emit[h])`, the chain latent the only per-step latent, no missing steps,
 * MLE emission params — as EM hooks over the block kernels of fast-chain-blocks.ts: the data
 * copied once into an arena (fast/block-kernel.ts), the E-step one block job over the sequences
 * (`runBlocks`: serial now, a worker pool later, the same bits either way) that returns the
 * summed sufficient statistics, and the M-step closed-form from those statistics — no [n, K]
 * posterior matrix, no per-step rows copied. The Gaussian statistics are centred at the E-step's
 * means, so the covariance update does not cancel.
 *
 * Everything the fast path does not cover goes to the general executor (chain.ts): a model it
 * does not recognise (`fastChainHooks` returns undefined), and, per iteration, an E-step it cannot
 * run (a covariance that is not positive definite, an impossible sequence) or an M-step that meets
 * a degenerate element (an empty state, a covariance that only regCovar keeps positive definite,
 * an emission row with no counts, anything not finite): that iteration is redone by the general
 * hooks from the same params, so warnings, re-seeding and results are theirs.
 */
import type { EmHooks, EmStepContext } from '../em/em-driver.js';
import {
  FitSetupError,
  loadParams,
  logPriorOf,
  type MixtureParam,
  type ParamValues,
  saveParams,
} from '../em/mixture.js';
import { type Arena, ArenaLayout, type BlockJob, blockCount, makeArena } from '../fast/block-kernel.js';
import { cholesky } from '../math/cholesky.js';
import { releaseArena, runBlocks } from '../parallel/run-blocks.js';
import { defaultThreads, PARALLEL_MIN_WORK } from '../parallel/threads.js';
import type { Chain, ChainStats } from './chain.js';
import { mStepChainParams } from './chain-m-step.js';
import { fastChainEntropy } from './fast-chain-entropy.js';
import {
  type ChainShape,
  DESC_DATA,
  DESC_E,
  DESC_K,
  DESC_MAX_LEN,
  DESC_PARAMS,
  DESC_SEQUENCES,
  DESC_START,
  DESC_WORDS,
  emissionParamSize,
  type FastEmission,
  scratchSize,
  sequencesPerBlock,
  statSize,
} from './fast-chain-layout.js';
import { chainBlockKernels } from './fast-kernels.js';

const NEG_INF = Number.NEGATIVE_INFINITY;
const LOG_2PI = 1.8378770664093453;

/** A total weight below this is an empty state (as the mixture M-step). */
const EMPTY = 1e-12;

/** The E-step's statistics: the general ones, plus the summed block statistics when the fast path ran. */
export interface FastChainStats extends ChainStats {
  readonly fast?: { readonly params: ParamValues; readonly totals: Float64Array };
}

/** A recognised chain: the emission family, its params, and the observations. */
export interface FastChainModel {
  readonly emission: FastEmission;
  readonly K: number;
  /** D (Gaussian) or M (categorical). */
  readonly E: number;
  /** mu and Sigma, or emit. */
  readonly params: readonly MixtureParam[];
  /** The observations, [n, D] (Gaussian) or the symbols [n] (categorical). */
  readonly values: Float64Array;
}

/** The param of a factor argument selected by the chain latent alone, if it is one with this rule. */
function selectedParam(chain: Chain, source: unknown, rule: string): MixtureParam | undefined {
  const s = source as { kind?: string; name?: string; selectors?: readonly string[] };
  if (s.kind !== 'param' || s.selectors?.length !== 1 || s.selectors[0] !== chain.program.latent.name) return undefined;
  const p = chain.mix.params.find((q) => q.spec.name === s.name);
  if (!p || p.spec.rule !== rule || p.spec.prior || p.spec.alsoIn?.length || p.elements !== chain.K) return undefined;
  return p;
}

/** The observations of the emission factor, one row of `size` per step, copied contiguous. */
function observations(chain: Chain): Float64Array {
  const view = chain.mix.factors[0]!.child[0]!;
  const { n } = chain.mix;
  const out = new Float64Array(n * view.size);
  for (let i = 0; i < n; i++) {
    const at = view.offset + i * view.step;
    for (let j = 0; j < view.size; j++) out[i * view.size + j] = view.values[at + j]!;
  }
  return out;
}

/** The fast path's model for this chain, or undefined when the general executor must run it. */
export function recognizeFastChain(chain: Chain): FastChainModel | undefined {
  const { mix, K } = chain;
  if (chain.C !== 1 || mix.latents.length !== 1 || chain.anyMissing || mix.grads || mix.factors.length !== 1)
    return undefined;
  const factor = mix.factors[0]!;
  const child = factor.spec.child;
  if (child.kind !== 'data' || !child.atItem || child.selectors.length > 0) return undefined;
  const size = factor.child[0]!.size;
  const args = factor.spec.args;
  if (factor.spec.family === 'MvNormal' && args.length === 2) {
    const mu = selectedParam(chain, args[0]!.source, 'mv-normal-mean');
    const sigma = selectedParam(chain, args[1]!.source, 'mv-normal-covariance');
    if (!mu || !sigma || mu.elementSize !== size || sigma.elementSize !== size * size || mix.params.length !== 4)
      return undefined;
    const values = observations(chain);
    if (!values.every(Number.isFinite)) return undefined;
    return { emission: 'gaussian', K, E: size, params: [mu, sigma], values };
  }
  if (factor.spec.family === 'Categorical' && args.length === 1 && size === 1) {
    const emit = selectedParam(chain, args[0]!.source, 'categorical-probabilities');
    if (!emit || mix.params.length !== 3) return undefined;
    const M = emit.elementSize;
    const values = observations(chain);
    if (!values.every((v) => Number.isInteger(v) && v >= 0 && v < M)) return undefined;
    return { emission: 'categorical', K, E: M, params: [emit], values };
  }
  return undefined;
}

/** The arena of a recognised chain: the data and sequence starts written once, the job to run. */
interface FastChainArena {
  readonly arena: Arena;
  readonly job: BlockJob;
  readonly params: number;
  readonly shape: ChainShape;
  /** The threads a pass runs on (scratch is reserved for each). */
  readonly threads: number;
}

/** Rounds a per-thread scratch size up to a cache line (8 f64s), so every thread's area is aligned. */
const lineAligned = (count: number) => Math.ceil(count / 8) * 8;

/**
 * The threads of a pass: the requested number, but never more than the blocks, and 1 when a
 * pass is too small for the pool to pay (about n·K·(K + E) multiply-adds: below PARALLEL_MIN_WORK).
 */
function chainThreads(requested: number, nBlocks: number, n: number, K: number, E: number): number {
  if (n * K * (K + E) < PARALLEL_MIN_WORK) return 1;
  return Math.max(1, Math.min(Math.floor(requested), nBlocks));
}

function makeChainArena(chain: Chain, model: FastChainModel, requested: number): FastChainArena {
  const { K, E, emission } = model;
  const { start } = chain;
  const sequences = start.length - 1;
  const n = chain.mix.n;
  let maxLen = 1;
  for (let s = 0; s < sequences; s++) maxLen = Math.max(maxLen, start[s + 1]! - start[s]!);
  const shape: ChainShape = { emission, K, E, maxLen };
  const blockRows = sequencesPerBlock(n, sequences);
  const nBlocks = blockCount(sequences, blockRows);
  const size = statSize(shape);
  const perThread = lineAligned(scratchSize(shape));
  const threads = chainThreads(requested, nBlocks, n, K, E);
  const layout = new ArenaLayout();
  const desc = layout.i32s(DESC_WORDS);
  const starts = layout.i32s(start.length);
  const data = emission === 'gaussian' ? layout.f64s(n * E) : layout.i32s(n);
  const params = layout.f64s(K + K * K + emissionParamSize(shape));
  const slots = layout.f64s(nBlocks * size);
  const total = layout.f64s(size);
  const scratch = layout.f64s(threads * perThread);
  const arena = makeArena(layout.bytes);
  const { f64, i32 } = arena;
  i32[desc + DESC_K] = K;
  i32[desc + DESC_E] = E;
  i32[desc + DESC_SEQUENCES] = sequences;
  i32[desc + DESC_START] = starts;
  i32[desc + DESC_DATA] = data;
  i32[desc + DESC_PARAMS] = params;
  i32[desc + DESC_MAX_LEN] = maxLen;
  i32.set(start, starts);
  if (emission === 'gaussian') f64.set(model.values, data);
  else for (let i = 0; i < n; i++) i32[data + i] = model.values[i]!;
  const job: BlockJob = {
    kernel: `chain-${emission}`,
    desc,
    n: sequences,
    blockRows,
    slots,
    statSize: size,
    total,
    scratch,
    scratchSize: perThread,
  };
  return { arena, job, params, shape, threads };
}

/**
 * Writes the E-step's params into the arena's param region; false when a covariance is not
 * positive definite (the general kernels then give −∞, and the general E-step runs).
 * @param chol scratch [D, D]
 */
function writeParams(chain: Chain, model: FastChainModel, fa: FastChainArena, chol: Float64Array): boolean {
  const { f64 } = fa.arena;
  const { K, E } = model;
  const base = fa.params;
  f64.set(chain.init.values, base);
  f64.set(chain.trans.values, base + K);
  const em = base + K + K * K;
  if (model.emission === 'categorical') {
    const emit = model.params[0]!.values;
    for (let k = 0; k < K; k++) for (let m = 0; m < E; m++) f64[em + m * K + k] = emit[k * E + m]!;
    return true;
  }
  const D = E;
  const mu = model.params[0]!.values;
  const sigma = model.params[1]!.values;
  f64.set(mu, em);
  const linv = em + K * D;
  const logNorm = linv + K * D * D;
  for (let k = 0; k < K; k++) {
    chol.set(sigma.subarray(k * D * D, (k + 1) * D * D));
    if (!cholesky(chol, D)) return false;
    // Linv = L⁻¹ (lower triangular), by forward substitution column by column.
    const l = linv + k * D * D;
    let logDet = 0;
    for (let j = 0; j < D; j++) {
      logDet += Math.log(chol[j * D + j]!);
      for (let i = 0; i < D; i++) {
        if (i < j) {
          f64[l + i * D + j] = 0;
          continue;
        }
        let v = i === j ? 1 : 0;
        for (let m = j; m < i; m++) v -= chol[i * D + m]! * f64[l + m * D + j]!;
        f64[l + i * D + j] = v / chol[i * D + i]!;
      }
    }
    f64[logNorm + k] = -0.5 * D * LOG_2PI - logDet;
  }
  return true;
}

/** The conditional variances of a symmetric matrix by elimination (its LDLᵀ pivots), into `work`. */
function anyPivotAtMost(cov: Float64Array, D: number, work: Float64Array, floor: number): boolean {
  work.set(cov.subarray(0, D * D));
  for (let k = 0; k < D; k++) {
    const piv = work[k * D + k]!;
    if (!(piv > floor)) return true;
    for (let i = k + 1; i < D; i++) {
      const f = work[i * D + k]! / piv;
      for (let j = k + 1; j < D; j++) work[i * D + j]! -= f * work[k * D + j]!;
    }
  }
  return false;
}

/**
 * The Gaussian M-step from the block statistics; false (nothing kept) at a degenerate state.
 * mu_k = mu_k⁰ + S1_k / N_k, Sigma_k = S2_k / N_k − δδᵀ + regCovar·I with δ = S1_k / N_k (δ = 0
 * when mu is fixed: the scatter about the fixed mean).
 */
function mStepGaussian(
  model: FastChainModel,
  totals: Float64Array,
  at: number,
  old: ParamValues,
  fixed: ReadonlySet<string>,
  regCovar: number,
  work: { delta: Float64Array; cov: Float64Array; pivots: Float64Array },
): boolean {
  const { K, E: D } = model;
  const [mu, sigma] = model.params as [MixtureParam, MixtureParam];
  const muOld = old[mu.spec.name]!;
  const muFree = !fixed.has(mu.spec.name);
  const sigmaFree = !fixed.has(sigma.spec.name);
  const { delta, cov, pivots } = work;
  const nk = at;
  const s1 = nk + K;
  const s2 = s1 + K * D;
  for (let k = 0; k < K; k++) {
    const N = totals[nk + k]!;
    if (!(N >= EMPTY)) return false;
    for (let i = 0; i < D; i++) delta[i] = muFree ? totals[s1 + k * D + i]! / N : 0;
    if (muFree) for (let i = 0; i < D; i++) mu.values[k * D + i] = muOld[k * D + i]! + delta[i]!;
    if (!sigmaFree) continue;
    for (let i = 0; i < D; i++) {
      for (let j = i; j < D; j++) {
        const v = totals[s2 + k * D * D + i * D + j]! / N - delta[i]! * delta[j]!;
        cov[i * D + j] = v;
        cov[j * D + i] = v;
      }
    }
    for (let j = 0; j < D; j++) if (!(cov[j * D + j]! > regCovar)) return false;
    if (anyPivotAtMost(cov, D, pivots, regCovar)) return false;
    for (let j = 0; j < D; j++) cov[j * D + j]! += regCovar;
    sigma.values.set(cov, k * D * D);
  }
  return mu.values.every(Number.isFinite) && sigma.values.every(Number.isFinite);
}

/** The categorical M-step: emit_k = counts_k / Σ counts_k; false when a row has no finite positive total. */
function mStepCategorical(
  model: FastChainModel,
  totals: Float64Array,
  at: number,
  fixed: ReadonlySet<string>,
): boolean {
  const { K, E: M } = model;
  const emit = model.params[0]!;
  if (fixed.has(emit.spec.name)) return true;
  for (let k = 0; k < K; k++) {
    let sum = 0;
    for (let m = 0; m < M; m++) sum += totals[at + m * K + k]!;
    if (!(sum > 0) || !Number.isFinite(sum)) return false;
    for (let m = 0; m < M; m++) emit.values[k * M + m] = totals[at + m * K + k]! / sum;
  }
  return true;
}

export interface FastChainOptions {
  readonly regCovar: number;
  /** Params held at their values. */
  readonly fixed: ReadonlySet<string>;
  /** Threads the E-step may use (default 1; fewer when the pass is small or has fewer blocks). */
  readonly threads?: number;
}

/** The fast hooks, and `release` for the end of the fit (the pool's workers drop the arena). */
export type FastChainHooks = EmHooks<ParamValues, ChainStats> & { readonly release: () => void };

/**
 * The fast E- and M-steps for `chain` in place of `general`'s (initialisation and the
 * unconstrained map stay `general`'s), or undefined when the fast path does not cover the model.
 */
export function fastChainHooks(
  chain: Chain,
  general: EmHooks<ParamValues, ChainStats>,
  options: FastChainOptions,
): FastChainHooks | undefined {
  const model = recognizeFastChain(chain);
  if (!model) return undefined;
  const fa = makeChainArena(chain, model, options.threads ?? defaultThreads());
  const { threads } = fa;
  const { K, E } = model;
  const kernel = chainBlockKernels[fa.job.kernel];
  if (!kernel) throw new FitSetupError(`no block kernel '${fa.job.kernel}'`);
  const chol = new Float64Array(E * E);
  const work = { delta: new Float64Array(E), cov: new Float64Array(E * E), pivots: new Float64Array(E * E) };
  const { regCovar, fixed } = options;

  const eStep = (values: ParamValues) => {
    loadParams(chain.mix, values);
    if (!writeParams(chain, model, fa, chol)) return general.eStep(values);
    runBlocks(fa.arena, kernel, fa.job, threads);
    const { f64 } = fa.arena;
    const logLik = f64[fa.job.total]!;
    if (!(logLik > NEG_INF)) return general.eStep(values);
    const totals = f64.slice(fa.job.total, fa.job.total + fa.job.statSize);
    const logPrior = logPriorOf(chain.mix);
    const objective = logLik + logPrior;
    const entropy = fastChainEntropy(chain, model, values, totals);
    const stats: FastChainStats = { logLik, logPrior, entropy, fast: { params: values, totals } };
    return { objective: Number.isNaN(objective) ? NEG_INF : objective, stats };
  };

  const mStep = (stats: FastChainStats, ctx: EmStepContext): ParamValues => {
    if (!stats.fast) return general.mStep(stats, ctx);
    const { params, totals } = stats.fast;
    loadParams(chain.mix, params);
    const at = 1 + K + K * K;
    const ok =
      model.emission === 'gaussian'
        ? mStepGaussian(model, totals, at, params, fixed, regCovar, work)
        : mStepCategorical(model, totals, at, fixed);
    if (!ok) {
      // A degenerate element: the general executor redoes this iteration (its warnings, its re-seeding).
      const redo = general.eStep(params);
      return general.mStep(redo.stats, ctx);
    }
    chain.gamma0.set(totals.subarray(1, 1 + K));
    chain.xiSum.set(totals.subarray(1 + K, 1 + K + K * K));
    mStepChainParams(chain, fixed);
    return saveParams(chain.mix);
  };

  return { ...general, eStep, mStep, release: () => releaseArena(fa.arena) };
}
