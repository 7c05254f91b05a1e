/**
 * Model-selection criteria. Free parameters are counted from the declared types: a
 * `simplex[K]` has K − 1, a `cov[D]` D(D + 1)/2, anything else one per entry; arrays multiply.
 * Conventions (lower is better, as scikit-learn): AIC = −2ℓ + 2p, BIC = −2ℓ + p ln n,
 * ICL = BIC + 2·entropy of the responsibilities (Biernacki, Celeux & Govaert 2000).
 */
import type { TypeBase } from '../distributions/type-pattern.js';

/** Free values of one element of a declared type with resolved shape. */
export function freeValues(element: TypeBase, shape: readonly number[]): number {
  if (element === 'simplex') return Math.max(0, (shape[0] ?? 1) - 1);
  if (element === 'cov') {
    const d = shape[0] ?? 1;
    return (d * (d + 1)) / 2;
  }
  return shape.reduce((a, b) => a * b, 1);
}

export function countParams(
  params: readonly { element: TypeBase; dims: readonly number[]; shape: readonly number[] }[],
): number {
  return params.reduce((total, p) => total + freeValues(p.element, p.shape) * p.dims.reduce((a, b) => a * b, 1), 0);
}

export interface Criteria {
  readonly aic: number;
  readonly bic: number;
  readonly icl: number;
}

/**
 * @param logLik the observed-data log-likelihood (without the log prior)
 * @param entropy −Σ r log r over items and states (0 without latents)
 */
export function computeCriteria(logLik: number, nParams: number, nObs: number, entropy: number): Criteria {
  const bic = -2 * logLik + nParams * Math.log(nObs);
  return { aic: -2 * logLik + 2 * nParams, bic, icl: bic + 2 * entropy };
}
