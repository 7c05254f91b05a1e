/**
 * Shared input shapes of the closed-form M-step updates. Data are plain arrays (one row per
 * item); `w` is the posterior weight of each item for the state being updated (responsibilities
 * r[n,k], smoothed marginals, or 1 when the param is not selected by a latent). Matrices that
 * the updates return are `Float64Array`s in row-major order.
 */

/** Items with a weight each: `w[n]` ≥ 0, `x[n]` the item's value. */
export interface Weighted<T> {
  readonly x: readonly T[];
  readonly w: readonly number[];
}

/** One state's share of a Gaussian scale update: its weights and its (already updated) mean. */
export interface GaussianComponent {
  readonly w: readonly number[];
  readonly mean: readonly number[];
}

/**
 * Vector data with one or more components: a single component updates a per-state scale,
 * several components update a scale tied (shared) across those states.
 */
export interface GaussianScaleInput {
  readonly x: readonly (readonly number[])[];
  readonly components: readonly GaussianComponent[];
  /** Expected latent precision scales E[u[n]] when the scale is `Sigma / u[n]`; omitted means 1. */
  readonly u?: readonly number[];
}
