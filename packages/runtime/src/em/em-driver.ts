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
 *
 * Checkpoints (`checkpoint`, `resume`): between two iterations the driver can hand out its whole
 * state — finished runs' objectives, the best finished run, and the run in progress (params,
 * history, warnings, the stepper's state, the stream's state before and after the last E-step)
 * — and later continue from it to the same bits as a run never stopped. The hooks' contract
 * that makes this work: a model keeps nothing between iterations but what an E-step at the
 * params rebuilds (the driver replays the last E-step with the stream as it was) and what it
 * records through `ctx.once`. A replay that does not give the saved objective is refused.
 */
import { makeStreams, type RandomState, RandomStream } from '../random/stream.js';
import { type Accelerator, accelerators } from './accelerators.js';
import { CheckpointError, decodeState, type EncodedState, encodeState } from './em-checkpoint.js';
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
  /**
   * True the first time `key` is given in this run (for warnings given once per run); kept in
   * checkpoints. Absent in contexts not made by the driver.
   */
  readonly once?: (key: string) => boolean;
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

/** What `onIteration` receives: once after initialisation (iteration 0), then after every iteration. */
export interface IterationInfo {
  /** The run, from 0. */
  readonly restart: number;
  /** The number of runs. */
  readonly restarts: number;
  /** M-steps (SQUAREM cycles) done in this run; 0 at the initial parameters. */
  readonly iteration: number;
  /** The objective at the current parameters (log-likelihood, plus the log prior for MAP). */
  readonly objective: number;
  /** (objective − previous objective) / |objective|; absent at iteration 0. */
  readonly relativeChange?: number;
}

/** The settings a checkpoint must be resumed with (they decide every draw and every stop). */
export interface EmSettings {
  readonly seed: number;
  readonly restarts: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly variant: EmVariant;
  readonly accelerate: Accelerator;
}

/** The driver's state between two iterations, as JSON (see em-checkpoint.ts for the numbers). */
export interface EmSavedState {
  readonly format: 'emforge-em-state';
  readonly version: 1;
  readonly settings: EmSettings;
  /** The run in progress or about to start (from 0) and its iterations done, for display. */
  readonly restart: number;
  readonly iteration: number;
  readonly state: EncodedState;
}

export interface EmCheckpointOptions {
  /** Save after every `every` iterations of a run (≥ 1), and before each run after the first. */
  readonly every: number;
  /** Receives each state; write it atomically, since the process may die at any point. */
  readonly save: (state: EmSavedState) => void;
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
  /** Hands out the state every few iterations (see the file comment). */
  readonly checkpoint?: EmCheckpointOptions;
  /** Continues from a saved state instead of starting; the settings must be the saved ones. */
  readonly resume?: EmSavedState;
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

/** A run in progress, between two iterations (decoded from a checkpoint). */
interface RunSnapshot<P> {
  readonly iteration: number;
  readonly emSteps: number;
  readonly params: P;
  readonly objective: number;
  readonly history: Float64Array;
  readonly warnings: readonly string[];
  /** The stream before the last E-step (replayed on resume), and after it. */
  readonly rng: RandomState;
  readonly rngAfter: RandomState;
  readonly once: readonly string[];
  /** The best iterate so far when it is not the current one. */
  readonly best: { readonly params: P; readonly objective: number } | null;
  readonly stepper: number | null;
}

/** A finished run and the stream before its last E-step. */
export interface RunEnd<P, S> {
  readonly run: EmRun<P, S>;
  readonly rng: RandomState;
}

/** Everything the driver needs to continue (decoded from `EmSavedState.state`). */
interface DriverSnapshot<P> {
  /** Final objectives of the runs before `restart`. */
  readonly objectives: Float64Array;
  readonly best: (Omit<EmRun<P, unknown>, 'stats' | 'history'> & { history: Float64Array; rng: RandomState }) | null;
  /** The run before `restart` when no run is in progress: its last E-step is replayed. */
  readonly last: { readonly params: P; readonly rng: RandomState } | null;
  readonly current: RunSnapshot<P> | null;
}

interface RunSaver<P> {
  readonly every: number;
  readonly save: (snapshot: RunSnapshot<P>) => void;
}

const sameStream = (a: RandomState, b: RandomState) =>
  a.words.every((w, i) => w === b.words[i]) && Object.is(a.spareNormal, b.spareNormal);

function runOnce<P, S>(
  hooks: EmHooks<P, S>,
  rng: RandomStream,
  restart: number,
  options: EmOptions,
  restarts: number,
  saved?: RunSnapshot<P>,
  saver?: RunSaver<P>,
): RunEnd<P, S> {
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-8;
  const variant = emVariants[options.variant ?? 'em'];
  const warnings: string[] = saved ? [...saved.warnings] : [];
  const said = new Set(saved?.once);
  let perturbed = false;
  // The context's functions are made once per run; only the iteration changes.
  const warn = (message: string) => {
    warnings.push(message);
  };
  const perturb = (message: string) => {
    perturbed = true;
    warnings.push(message);
  };
  const once = (key: string) => !said.has(key) && said.add(key) !== undefined;
  const context = (iteration: number): EmStepContext => ({ rng, iteration, warn, perturb, once });
  const assign: AssignContext = { assignment: variant.assignment, rng };
  let lastEStep = rng.state();
  const eStep = (p: P) => {
    lastEStep = rng.state();
    return hooks.eStep(p, assign);
  };
  const step = accelerators[options.accelerate ?? 'none'](hooks, eStep);
  const report = (iteration: number, objective: number, previous?: number) =>
    options.onIteration?.({
      restart,
      restarts,
      iteration,
      objective,
      ...(previous === undefined ? {} : { relativeChange: (objective - previous) / Math.abs(objective) }),
    });
  let params: P;
  let objective: number;
  let stats: S;
  let history: number[];
  let best: { params: P; objective: number };
  let iterations: number;
  let emSteps: number;
  if (saved) {
    params = saved.params;
    ({ objective, stats } = eStep(params));
    if (!Object.is(objective, saved.objective) || !sameStream(rng.state(), saved.rngAfter)) {
      throw new CheckpointError(
        `run ${restart + 1}, iteration ${saved.iteration}: the E-step at the saved params gives the objective ${objective}, ` +
          `not the saved ${saved.objective}; this model keeps state that a checkpoint does not hold, so it cannot be resumed`,
      );
    }
    history = Array.from(saved.history);
    best = saved.best ?? { params, objective };
    iterations = saved.iteration;
    emSteps = saved.emSteps;
    if (saved.stepper !== null) step.load?.(saved.stepper);
  } else {
    params = hooks.initialize(context(0));
    ({ objective, stats } = eStep(params));
    history = [objective];
    report(0, objective);
    best = { params, objective };
    iterations = 0;
    emSteps = 0;
  }
  const snapshot = (): RunSnapshot<P> => ({
    iteration: iterations,
    emSteps,
    params,
    objective,
    history: Float64Array.from(history),
    warnings: [...warnings],
    rng: lastEStep,
    rngAfter: rng.state(),
    once: [...said],
    best: best.params === params ? null : best,
    stepper: step.save?.() ?? null,
  });
  const resumedAt = iterations;
  let converged = false;
  while (iterations < maxIter && Number.isFinite(objective)) {
    if (saver && iterations !== resumedAt && iterations % saver.every === 0) saver.save(snapshot());
    iterations++;
    perturbed = false;
    const previous = objective;
    const next = step({ params, stats, objective }, context(iterations));
    ({ params, stats, objective } = next);
    emSteps += next.emSteps;
    history.push(objective);
    report(iterations, objective, previous);
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
  return {
    run: { restart, params, stats, objective, iterations, emSteps, converged, history, warnings },
    rng: lastEStep,
  };
}

function settingsOf(options: EmOptions): EmSettings {
  return {
    seed: options.seed ?? 1,
    restarts: Math.max(1, options.restarts ?? 1),
    maxIter: options.maxIter ?? 1000,
    tol: options.tol ?? 1e-8,
    variant: options.variant ?? 'em',
    accelerate: options.accelerate ?? 'none',
  };
}

/** The decoded state of `saved`, or a `CheckpointError` when it was made with other settings. */
function readSaved<P>(saved: EmSavedState, settings: EmSettings): DriverSnapshot<P> {
  if (saved.format !== 'emforge-em-state' || saved.version !== 1)
    throw new CheckpointError(`not an EM state of version 1 (format '${saved.format}', version ${saved.version})`);
  for (const [key, value] of Object.entries(settings)) {
    const was = saved.settings[key as keyof EmSettings];
    if (!Object.is(was, value))
      throw new CheckpointError(
        `the checkpoint was made with ${key} = ${was}, not ${value}: resume with the same settings`,
      );
  }
  return decodeState(saved.state) as DriverSnapshot<P>;
}

/** Runs EM `restarts` times from independent streams of `seed` and keeps the best run. */
export function runEm<P, S>(hooks: EmHooks<P, S>, options: EmOptions = {}): EmOutcome<P, S> {
  if ((options.accelerate ?? 'none') !== 'none' && (options.variant ?? 'em') !== 'em') {
    throw new Error(`acceleration '${options.accelerate}' needs the 'em' variant, not '${options.variant}'`);
  }
  const settings = settingsOf(options);
  const { restarts } = settings;
  const streams = makeStreams(settings.seed, restarts);
  const resumed = options.resume === undefined ? undefined : readSaved<P>(options.resume, settings);
  const assignment = emVariants[settings.variant].assignment;
  /** The E-step of a finished run again, with the stream as it was then: its stats, and the model's state. */
  const replay = (params: P, rng: RandomState) => hooks.eStep(params, { assignment, rng: RandomStream.fromState(rng) });
  let best: RunEnd<P, S> | undefined;
  let last: { params: P; rng: RandomState } | undefined;
  const objectives: number[] = [];
  let first = 0;
  if (resumed) {
    first = options.resume?.restart ?? 0;
    // Whatever per-run set-up the model does in `initialize`, with a scratch stream; the values are dropped.
    const scratch = RandomStream.fromState(resumed.current?.rng ?? resumed.last?.rng ?? streams[0]!.state());
    hooks.initialize({ rng: scratch, iteration: 0, warn: () => {}, perturb: () => {}, once: () => false });
    objectives.push(...resumed.objectives);
    if (resumed.best) {
      const { rng, history, ...run } = resumed.best;
      const { objective, stats } = replay(run.params, rng);
      if (!Object.is(objective, run.objective))
        throw new CheckpointError(
          `run ${run.restart + 1}: the E-step at the saved params does not give the saved objective`,
        );
      best = { run: { ...run, stats, history: Array.from(history) }, rng };
    }
    if (resumed.last && !resumed.current) {
      replay(resumed.last.params, resumed.last.rng);
      last = resumed.last;
    }
  }
  const save = (restart: number, iteration: number, current: RunSnapshot<P> | null) =>
    options.checkpoint?.save({
      format: 'emforge-em-state',
      version: 1,
      settings,
      restart,
      iteration,
      state: encodeState({
        objectives: Float64Array.from(objectives),
        best: best
          ? { ...best.run, stats: undefined, history: Float64Array.from(best.run.history), rng: best.rng }
          : null,
        last: current ? null : (last ?? null),
        current,
      }),
    });
  const every = options.checkpoint ? Math.max(1, Math.floor(options.checkpoint.every)) : 0;
  for (let r = first; r < restarts; r++) {
    if (options.checkpoint && r > first) save(r, 0, null);
    const current = r === first ? (resumed?.current ?? undefined) : undefined;
    const rng = current ? RandomStream.fromState(current.rng) : streams[r]!;
    const saver = options.checkpoint
      ? { every, save: (snap: RunSnapshot<P>) => save(r, snap.iteration, snap) }
      : undefined;
    const end = runOnce(hooks, rng, r, options, restarts, current, saver);
    objectives.push(end.run.objective);
    last = { params: end.run.params, rng: end.rng };
    if (keeps(end, best)) best = end;
  }
  if (best === undefined) throw new Error('runEm: no run');
  return { best: best.run, objectives };
}

/** Whether `end` replaces `best` (runs compared in restart order: the first of equal objectives stays). */
const keeps = <P, S>(end: RunEnd<P, S>, best: RunEnd<P, S> | undefined) =>
  best === undefined || end.run.objective > best.run.objective || Number.isNaN(best.run.objective);

/**
 * Restart `restart` of a fit with `options`, on the stream `runEm` gives it: what a thread that
 * runs some of the restarts computes (`onIteration` is not called; `runEmShared` replays it).
 */
export function runRestart<P, S>(hooks: EmHooks<P, S>, options: EmOptions, restart: number): RunEnd<P, S> {
  const { seed, restarts } = settingsOf(options);
  const { onIteration: _, ...quiet } = options;
  return runOnce(hooks, makeStreams(seed, restarts)[restart]!, restart, quiet, restarts);
}

/** Restarts shared with other threads: each restart index is claimed once, by whoever asks first. */
export interface RestartShare<P, S> {
  /** The next unclaimed restart (≥ the number of restarts when none is left). */
  claim(): number;
  /** Waits for the runs the other threads claimed (every restart but the `ranHere` run here) and returns them. */
  collect(ranHere: number): readonly RunEnd<P, S>[];
}

/**
 * `runEm` with the restarts shared between this thread and others (`share`): every run is the
 * same function of its own stream wherever it runs, and the runs are compared in restart order,
 * so the outcome is `runEm`'s, bit for bit. `onIteration` is called afterwards, run by run in
 * restart order, with exactly `runEm`'s calls. Not with checkpoints.
 */
export function runEmShared<P, S>(
  hooks: EmHooks<P, S>,
  options: EmOptions,
  share: RestartShare<P, S>,
): EmOutcome<P, S> {
  if (options.checkpoint || options.resume)
    throw new Error('runEmShared: restarts shared between threads cannot be checkpointed');
  const { restarts } = settingsOf(options);
  const ends: (RunEnd<P, S> | undefined)[] = new Array(restarts);
  let here = 0;
  for (let r = share.claim(); r < restarts; r = share.claim()) {
    ends[r] = runRestart(hooks, options, r);
    here++;
  }
  for (const end of share.collect(here)) ends[end.run.restart] = end;
  let best: RunEnd<P, S> | undefined;
  const objectives: number[] = [];
  for (const [r, end] of ends.entries()) {
    if (end === undefined) throw new Error(`runEmShared: run ${r + 1} was not run`);
    const { history } = end.run;
    for (let t = 0; t < history.length; t++) {
      options.onIteration?.({
        restart: r,
        restarts,
        iteration: t,
        objective: history[t]!,
        ...(t === 0 ? {} : { relativeChange: (history[t]! - history[t - 1]!) / Math.abs(history[t]!) }),
      });
    }
    objectives.push(end.run.objective);
    if (keeps(end, best)) best = end;
  }
  return { best: best!.run, objectives };
}
