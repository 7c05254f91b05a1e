/**
 * The fit options shared by `emforge fit` and the TypeScript API (`compile(…).fit(data, options)`):
 * their defaults (the CLI's), and their translation into the runtime's `EmFitOptions` with the
 * user-given `init` and `fixed` values checked against the declared params.
 */
import {
  type Accelerator,
  checkParamValues,
  type EmFitOptions,
  type EmVariant,
  type InitMethod,
  type IterationInfo,
  type ParamValue,
  type ProgramBase,
  threadsProblem,
} from '@emforge/runtime';

export interface FitOptions {
  /** Seed of the random streams (default 1). */
  readonly seed?: number;
  /** Independent runs, the best kept (default 10). */
  readonly restarts?: number;
  /** Maximum iterations per run (default 1000). */
  readonly maxIter?: number;
  /** Relative change of the objective that stops a run (default 1e-8). */
  readonly tol?: number;
  /** A seeding method (default `kmeans++`), or initial values of params (a params map or a fit result). */
  readonly init?: InitMethod | Readonly<Record<string, unknown>>;
  /** Params held at these values (a params map or a fit result). */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** `em` (default), `hard` (classification EM) or `stochastic`. */
  readonly variant?: EmVariant;
  /** `squarem` to accelerate (with the `em` variant only). */
  readonly accelerate?: Accelerator;
  /** Added to covariance diagonals and variances (default 1e-6). */
  readonly regCovar?: number;
  /** Sizes given or overridden, like `--size K=3`. */
  readonly sizes?: Readonly<Record<string, number>>;
  /**
   * Threads of the E-step (a positive integer; default every core, and one thread when a pass
   * is too small to share out). The result is the same whatever the count.
   */
  readonly threads?: number;
  /**
   * Called after initialisation (iteration 0) and after every iteration of every run, with
   * `{ restart, restarts, iteration, objective, relativeChange }`: the run (from 0) of
   * `restarts`, the M-steps done in it, the objective there (log-likelihood, plus the log prior
   * for MAP), and (objective − previous) / |objective| (absent at iteration 0). It runs inside
   * the EM loop: keep it cheap (`emforge fit` draws its progress line from it).
   */
  readonly onIteration?: (info: IterationInfo) => void;
}

export const fitDefaults = { seed: 1, restarts: 10, maxIter: 1000, tol: 1e-8 } as const;

/** Iterations between two checkpoints of `emforge fit --checkpoint` (default of `--checkpoint-every`). */
export const defaultCheckpointEvery = 50;

export const initMethods: readonly InitMethod[] = ['kmeans++', 'random', 'random-points'];

/** The runtime options, or the problems of the given `init` / `fixed` values (each naming the param). */
export function makeEmFitOptions(
  program: Pick<ProgramBase, 'model' | 'params'>,
  sizes: Readonly<Record<string, number>>,
  options: FitOptions,
  labels: { readonly init: string; readonly fixed: string } = { init: 'init', fixed: 'fixed' },
): { value?: EmFitOptions; problems: readonly string[] } {
  const threadsIssue = options.threads === undefined ? undefined : threadsProblem(options.threads);
  if (threadsIssue) return { problems: [threadsIssue] };
  if ((options.accelerate ?? 'none') !== 'none' && (options.variant ?? 'em') !== 'em') {
    return { problems: [`acceleration '${options.accelerate}' works with the 'em' variant only`] };
  }
  const init = typeof options.init === 'string' ? undefined : options.init;
  const checkedInit = init === undefined ? { problems: [] } : checkParamValues(program, sizes, init, labels.init);
  const checkedFixed =
    options.fixed === undefined ? { problems: [] } : checkParamValues(program, sizes, options.fixed, labels.fixed);
  const problems = [...checkedInit.problems, ...checkedFixed.problems];
  if (problems.length > 0) return { problems };
  const value: EmFitOptions = {
    seed: options.seed ?? fitDefaults.seed,
    restarts: options.restarts ?? fitDefaults.restarts,
    maxIter: options.maxIter ?? fitDefaults.maxIter,
    tol: options.tol ?? fitDefaults.tol,
    ...(typeof options.init === 'string' ? { initMethod: options.init } : {}),
    ...(checkedInit.values ? { init: checkedInit.values as Record<string, ParamValue> } : {}),
    ...(checkedFixed.values ? { fixed: checkedFixed.values as Record<string, ParamValue> } : {}),
    ...(options.variant ? { variant: options.variant } : {}),
    ...(options.accelerate ? { accelerate: options.accelerate } : {}),
    ...(options.regCovar !== undefined ? { regCovar: options.regCovar } : {}),
    ...(options.onIteration ? { onIteration: options.onIteration } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  };
  return { value, problems };
}
