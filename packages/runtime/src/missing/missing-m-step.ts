/**
 * The M-step of the missing-data Gaussian executor, from the expected sufficient statistics of
 * missing-gaussian.ts (centred at each component's E-step mean μ_k):
 *
 *   w_k  = s0[k] / Σ_k s0[k]
 *   μ'_k = μ_k + s1[k] / s0[k]
 *   S_e  = Σ_{k uses e} (s2[k] − s1[k] δ_kᵀ − δ_k s1[k]ᵀ + s0[k] δ_k δ_kᵀ) / Σ_{k uses e} s0[k],
 *          δ_k = μ'_k − μ_k  (the expected scatter about the new mean)
 *
 * and the scale element e is S_e + regCovar·I (full), √(diag S_e + regCovar) (a diagonal
 * `Normal` sd) or √(tr S_e / d + regCovar) (one sd for every coordinate). With a mean per
 * component (or no latent) this is the exact joint maximiser of the expected complete-data
 * log-likelihood. Fixed params keep their values (a fixed mean is the δ = 0 case of its own).
 * An element no row weighs on keeps its value, with a warning once per run.
 */
import type { EmStepContext } from '../em/em-driver.js';
import type { ParamValues } from '../em/mixture.js';
import { type MissingModel, meanAt, saveMissingParams, scaleElement } from './missing-gaussian.js';

export interface MissingMStepOptions {
  /** Added to covariance diagonals and variances (default 1e-6, as the mixture executor). */
  readonly regCovar: number;
  /** Params held at their current values. */
  readonly fixed?: ReadonlySet<string>;
  /** Warns once per run about `key` (an empty component). */
  readonly warnOnce: (ctx: EmStepContext, key: string, message: string) => void;
}

/** A total weight below this is an empty component. */
const EMPTY = 1e-12;

export function mStepMissing(model: MissingModel, ctx: EmStepContext, options: MissingMStepOptions): ParamValues {
  const { d, k, mean, scale, weights, stats } = model;
  const { s0, s1, s2, centre } = stats;
  const fixed = options.fixed ?? new Set<string>();
  const total = s0.reduce((a, b) => a + b, 0);
  if (weights && !fixed.has(weights.spec.name) && total > 0) {
    for (let c = 0; c < k; c++) weights.values[c] = s0[c]! / total;
  }
  if (!fixed.has(mean.spec.name)) {
    for (let c = 0; c < (model.program.mean.selected ? k : 1); c++) {
      if (!(s0[c]! > EMPTY)) {
        options.warnOnce(
          ctx,
          `empty:${c}`,
          `iteration ${ctx.iteration}: component ${c} of '${mean.spec.name}' is empty (no row has weight on it): its params are kept; lower the number of components, or use more restarts`,
        );
        continue;
      }
      const at = meanAt(model, c);
      for (let j = 0; j < d; j++) mean.values[at + j] = centre[c * d + j]! + s1[c * d + j]! / s0[c]!;
    }
  }
  if (fixed.has(scale.spec.name)) return saveMissingParams(model);
  const scatter = new Float64Array(d * d);
  const delta = new Float64Array(d);
  for (let e = 0; e < scale.elements; e++) {
    scatter.fill(0);
    let w = 0;
    for (let c = 0; c < k; c++) {
      if (scaleElement(model, c) !== e) continue;
      const at = meanAt(model, c);
      for (let j = 0; j < d; j++) delta[j] = mean.values[at + j]! - centre[c * d + j]!;
      w += s0[c]!;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          scatter[i * d + j]! +=
            s2[c * d * d + i * d + j]! -
            s1[c * d + i]! * delta[j]! -
            delta[i]! * s1[c * d + j]! +
            s0[c]! * delta[i]! * delta[j]!;
        }
      }
    }
    if (!(w > EMPTY)) continue;
    writeScale(model, e, scatter, w, options.regCovar);
  }
  return saveMissingParams(model);
}

/** Writes scale element e from the scatter matrix S·w (shape [d, d]) and its total weight w. */
function writeScale(model: MissingModel, e: number, scatter: Float64Array, w: number, regCovar: number): void {
  const { d, scale, form } = model;
  if (form === 'full') {
    const at = e * d * d;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        // Symmetrised: both triangles hold the same value, bit for bit.
        const v = (scatter[i * d + j]! + scatter[j * d + i]!) / (2 * w) + (i === j ? regCovar : 0);
        scale.values[at + i * d + j] = v;
        scale.values[at + j * d + i] = v;
      }
    }
    return;
  }
  if (form === 'diagonal') {
    for (let j = 0; j < d; j++) scale.values[e * d + j] = Math.sqrt(scatter[j * d + j]! / w + regCovar);
    return;
  }
  let trace = 0;
  for (let j = 0; j < d; j++) trace += scatter[j * d + j]!;
  scale.values[e] = Math.sqrt(trace / (d * w) + regCovar);
}
