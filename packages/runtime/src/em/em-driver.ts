/**
 * The EM driver: one loop with hooks. It owns restarts (independent deterministic streams
 * derived from the seed, the best objective kept), the iteration limit, the tolerance on the
 * relative change of the objective, the per-iteration monotonicity check and the history. A
 * model (the mixture executor, later generated fitters) supplies `initialize`, `eStep` and
 * `mStep`; the driver knows nothing about parameters or statistics.
 *
 * Iteration semantics: the objective is evaluated at the initial parameters, then each
 * iteration is one M-step followed by the E-step at the new parameters, so `iterations` counts
 * M-steps and the reported objective is the one at the returned parameters.
 */
import { makeStreams, type RandomStream } from '../random/stream.js';

export interface EmStepContext {
  readonly rng: RandomStream;
  /** 0 during initialisation, t during the t-th M-step. */
  readonly iteration: number;
  readonly warn: (message: string) => void;
  /**
   * Reports a deliberate perturbation (a re-seeded component) with a warning; the monotonicity
   * check skips this iteration, since the objective may then legitimately go down.
   */
  readonly perturb: (message: string) => void;
}

export interface EStepResult<S> {
  /** The observed-data log-likelihood, plus the log prior for MAP. */
  readonly objective: number;
  readonly stats: S;
}

export interface EmHooks<P, S> {
  initialize(ctx: EmStepContext): P;
  eStep(params: P): EStepResult<S>;
  mStep(stats: S, ctx: EmStepContext): P;
}

export interface IterationInfo {
  readonly restart: number;
  readonly iteration: number;
  readonly objective: number;
}

export interface EmOptions {
  /** Seed of the random streams (default 1). */
  readonly seed?: number;
  /** Independent runs; the one with the highest final objective is kept (default 1). */
  readonly restarts?: number;
  /** Maximum number of M-steps per run (default 1000). */
  readonly maxIter?: number;
  /** Converged when |Δ objective| < tol · |objective| (default 1e-8; 0 never converges). */
  readonly tol?: number;
  readonly onIteration?: (info: IterationInfo) => void;
}

export interface EmRun<P, S> {
  readonly restart: number;
  readonly params: P;
  readonly stats: S;
  readonly objective: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** The objective at the initial parameters, then after each M-step. */
  readonly history: readonly number[];
  readonly warnings: readonly string[];
}

export interface EmOutcome<P, S> {
  readonly best: EmRun<P, S>;
  /** Every restart's final objective, in restart order. */
  readonly objectives: readonly number[];
}

/** A decrease larger than this (relative to the objective's magnitude) is not round-off. */
export const MONOTONICITY_TOLERANCE = 1e-10;

function runOnce<P, S>(hooks: EmHooks<P, S>, rng: RandomStream, restart: number, options: EmOptions): EmRun<P, S> {
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-8;
  const warnings: string[] = [];
  let perturbed = false;
  const context = (iteration: number): EmStepContext => ({
    rng,
    iteration,
    warn: (message) => warnings.push(message),
    perturb: (message) => {
      perturbed = true;
      warnings.push(message);
    },
  });
  let params = hooks.initialize(context(0));
  let { objective, stats } = hooks.eStep(params);
  const history = [objective];
  options.onIteration?.({ restart, iteration: 0, objective });
  let converged = false;
  let iterations = 0;
  while (iterations < maxIter && Number.isFinite(objective)) {
    iterations++;
    perturbed = false;
    params = hooks.mStep(stats, context(iterations));
    const previous = objective;
    ({ objective, stats } = hooks.eStep(params));
    history.push(objective);
    options.onIteration?.({ restart, iteration: iterations, objective });
    const change = objective - previous;
    if (!perturbed && change < -MONOTONICITY_TOLERANCE * Math.max(1, Math.abs(previous))) {
      warnings.push(
        `iteration ${iterations}: the objective decreased from ${previous} to ${objective}; ` +
          'EM never decreases it, so this points at a wrong E- or M-step (please report it)',
      );
    }
    if (!perturbed && Math.abs(change) < tol * Math.abs(objective)) {
      converged = true;
      break;
    }
  }
  if (!Number.isFinite(objective)) {
    warnings.push(
      `iteration ${iterations}: the objective is ${objective}: some item is impossible under every latent state; ` +
        'check the data against the model, or raise regCovar',
    );
  }
  return { restart, params, stats, objective, iterations, converged, history, warnings };
}

/** Runs EM `restarts` times from independent streams of `seed` and keeps the best run. */
export function runEm<P, S>(hooks: EmHooks<P, S>, options: EmOptions = {}): EmOutcome<P, S> {
  const restarts = Math.max(1, options.restarts ?? 1);
  const streams = makeStreams(options.seed ?? 1, restarts);
  let best: EmRun<P, S> | undefined;
  const objectives: number[] = [];
  streams.forEach((rng, r) => {
    const run = runOnce(hooks, rng, r, options);
    objectives.push(run.objective);
    if (best === undefined || run.objective > best.objective || Number.isNaN(best.objective)) best = run;
  });
  if (best === undefined) throw new Error('runEm: no run');
  return { best, objectives };
}
