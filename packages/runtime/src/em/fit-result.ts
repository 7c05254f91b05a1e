/**
 * The result of a fit (DESIGN.md, `fit --json`): plain JSON data — numbers, strings, nested
 * arrays — so that `JSON.parse(JSON.stringify(r))` deep-equals `r`. Params are reshaped from
 * flat row-major arrays into nested arrays in the declared shape (array dims, then the element's).
 */
import { computeCriteria } from './criteria.js';

/** A param value: a number, or nested arrays of numbers. */
export type ParamValue = number | ParamValue[];

/** A standard error in a param's declared shape: a number, `null` where undefined, or nested arrays. */
export type StandardErrorValue = number | null | StandardErrorValue[];

export interface FitResult {
  readonly model: string;
  /** The E-step strategy (`enumerate`; `direct` without latents). */
  readonly strategy: string;
  /** The observed-data log-likelihood at the returned params. */
  readonly logLik: number;
  /**
   * What EM maximised: the log-likelihood, plus the log prior for MAP; for hard EM the
   * classification log-likelihood Σ_n max_s log p(x_n, s) (plus the log prior).
   */
  readonly objective: number;
  /** Iterations of the kept run: M-steps, or SQUAREM cycles. */
  readonly iterations: number;
  /** EM maps (M-steps) the kept run spent: `iterations`, or about 3 per SQUAREM cycle. */
  readonly emSteps: number;
  readonly converged: boolean;
  readonly params: Readonly<Record<string, ParamValue>>;
  /**
   * Only when asked for (`standardErrors: true`, `emforge fit --se`): the standard error of each
   * free param's entries in its declared shape, `null` where it is not defined (an entry on the
   * boundary, or one the objective does not identify); see se/standard-errors.ts.
   */
  readonly standardErrors?: Readonly<Record<string, StandardErrorValue>>;
  /** How `standardErrors` were computed (which objective's Hessian, and how). */
  readonly seMethod?: string;
  readonly aic: number;
  readonly bic: number;
  readonly icl: number;
  readonly nParams: number;
  readonly nObs: number;
  /** The objective at the initial params, then after each M-step, of the kept run. */
  readonly history: readonly number[];
  readonly warnings: readonly string[];
  /**
   * True when the E-step is approximate (mean-field or other variational EM): the objective is
   * then a lower bound (the ELBO), not the log-likelihood. Absent for exact EM.
   */
  readonly approximate?: boolean;
}

/** Nests a flat row-major array into `shape` (a number when the shape is empty). */
export function nestValues(flat: ArrayLike<number>, shape: readonly number[], offset = 0): ParamValue {
  if (shape.length === 0) return flat[offset]!;
  const [first, ...rest] = shape as [number, ...number[]];
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first }, (_, i) => nestValues(flat, rest, offset + i * stride));
}

/** Flattens a number or nested arrays into row-major order. */
export function flattenValue(value: ParamValue): number[] {
  return typeof value === 'number' ? [value] : value.flatMap(flattenValue);
}

/**
 * The result of a kept EM run, as every executor reports it: the run's objective, iterations
 * and history, the observed-data log-likelihood (or ELBO) at the returned params, the params
 * nested in their declared shapes, and AIC/BIC/ICL from the free-parameter count.
 */
export function runResult(
  program: { readonly model: string; readonly strategy: string },
  run: {
    readonly objective: number;
    readonly iterations: number;
    readonly emSteps: number;
    readonly converged: boolean;
    readonly history: readonly number[];
    readonly warnings: readonly string[];
  },
  fit: {
    readonly logLik: number;
    readonly params: Readonly<Record<string, ParamValue>>;
    readonly nParams: number;
    readonly nObs: number;
    /** Entropy of the latents' posterior, for ICL. */
    readonly entropy: number;
  },
): FitResult {
  return {
    model: program.model,
    strategy: program.strategy,
    logLik: fit.logLik,
    objective: run.objective,
    iterations: run.iterations,
    emSteps: run.emSteps,
    converged: run.converged,
    params: fit.params,
    ...computeCriteria(fit.logLik, fit.nParams, fit.nObs, fit.entropy),
    nParams: fit.nParams,
    nObs: fit.nObs,
    history: run.history,
    warnings: run.warnings,
  };
}
