/**
 * The EM driver: one loop with hooks. It owns restarts (independent deterministic streams
 * derived from the seed, the best objective kept), the iteration limit, the tolerance on the
 * relative change of the objective, the per-iteration monotonicity check and the history. A
 * model (the mixture executor, later generated fitters) supplies `initialize`, `eStep` and
 * `mStep` (and `unconstrain` / `constrain` for acceleration); the driver knows nothing about
 * parameters or statistics. The variant (variants.ts: em, hard, stochastic) and the stepper
 * (accelerators.ts: none, squarem) are table lookups, options of this one loop.
 *
 * Iteration semantics: the objective is evaluated at the initial parameters, then each
 * iteration is one M-step followed by the E-step at the new parameters, so `iterations` counts
 * M-steps and the reported objective is the one at the returned parameters. With SQUAREM one
 * iteration is one cycle; `emSteps` counts the EM maps (M-steps) actually spent.
 */
import { makeStreams, type RandomStream } from '../random/stream.js';
import { type Accelerator, accelerators } from './accelerators.js';
import { type AssignContext, type EmVariant, emVariants } from './variants.js';

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
  /** The E-step; `assign` (absent: soft) says how the variant hands responsibilities on. */
  eStep(params: P, assign?: AssignContext): EStepResult<S>;
  mStep(stats: S, ctx: EmStepContext): P;
  /** For acceleration: the params as an unconstrained vector (log, log-ratio, log-Cholesky). */
  unconstrain?(params: P): Float64Array;
  /** The inverse of `unconstrain`; undefined when the vector maps to no valid params. */
  constrain?(u: Float64Array): P | undefined;
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
  /** The variant (default `em`). */
  readonly variant?: EmVariant;
  /** The stepper (default `none`); `squarem` needs the `em` variant. */
  readonly accelerate?: Accelerator;
  readonly onIteration?: (info: IterationInfo) => void;
}

export interface EmRun<P, S> {
  readonly restart: number;
  readonly params: P;
  readonly stats: S;
  readonly objective: number;
  readonly iterations: number;
  /** EM maps (M-steps) spent, initialisation excluded: `iterations` except with SQUAREM. */
  readonly emSteps: number;
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
  const variant = emVariants[options.variant ?? 'em'];
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
  const assign: AssignContext = { assignment: variant.assignment, rng };
  const eStep = (p: P) => hooks.eStep(p, assign);
  const step = accelerators[options.accelerate ?? 'none'](hooks, eStep);
  let params = hooks.initialize(context(0));
  let { objective, stats } = eStep(params);
  const history = [objective];
  options.onIteration?.({ restart, iteration: 0, objective });
  let best = { params, objective };
  let converged = false;
  let iterations = 0;
  let emSteps = 0;
  while (iterations < maxIter && Number.isFinite(objective)) {
    iterations++;
    perturbed = false;
    const previous = objective;
    const next = step({ params, stats, objective }, context(iterations));
    ({ params, stats, objective } = next);
    emSteps += next.emSteps;
    history.push(objective);
    options.onIteration?.({ restart, iteration: iterations, objective });
    if (objective > best.objective || Number.isNaN(best.objective)) best = { params, objective };
    const change = objective - previous;
    if (variant.monotone && !perturbed && change < -MONOTONICITY_TOLERANCE * Math.max(1, Math.abs(previous))) {
      warnings.push(
        `iteration ${iterations}: the objective decreased from ${previous} to ${objective}; ` +
          'EM never decreases it, so this points at a wrong E- or M-step (please report it)',
      );
    }
    if (variant.stopsOnTol && !perturbed && Math.abs(change) < tol * Math.abs(objective)) {
      converged = true;
      break;
    }
  }
  if (variant.keepBestIterate && best.params !== params) {
    params = best.params;
    ({ objective, stats } = eStep(params));
  }
  if (!Number.isFinite(objective)) {
    warnings.push(
      `iteration ${iterations}: the objective is ${objective}: some item is impossible under every latent state; ` +
        'check the data against the model, or raise regCovar',
    );
  }
  return { restart, params, stats, objective, iterations, emSteps, converged, history, warnings };
}

/** Runs EM `restarts` times from independent streams of `seed` and keeps the best run. */
export function runEm<P, S>(hooks: EmHooks<P, S>, options: EmOptions = {}): EmOutcome<P, S> {
  if ((options.accelerate ?? 'none') !== 'none' && (options.variant ?? 'em') !== 'em') {
    throw new Error(`acceleration '${options.accelerate}' needs the 'em' variant, not '${options.variant}'`);
  }
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
