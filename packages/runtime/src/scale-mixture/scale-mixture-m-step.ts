/**
 * The M-step of a Gaussian scale mixture, closed form given the responsibilities r[i, k] and the
 * expected precisions u[i, k] = E[u | x[i], k] of the E-step (McLachlan & Peel 2000, §7.5; with
 * one component Liu & Rubin 1995's EM for the multivariate t with ν known):
 *
 *   w_k = Σ_i r / n,   μ_k = Σ_i r u x[i] / Σ_i r u,   Σ_k = Σ_i r u (x[i] − μ_k)(x[i] − μ_k)ᵀ / Σ_i r
 *
 * (the scatter is divided by Σ r, not Σ r u), the univariate sd likewise; a tied location or
 * scale pools its sums over the components. With ν known this maximises the expected
 * complete-data log-likelihood exactly (μ first, then the scale at the new μ), so the
 * objective never decreases. `regCovar` is added to every scale's diagonal (to the variance of
 * an sd). An empty component is re-seeded once per run (its location at a random item, its
 * scale the pooled one), with a warning; a scale that is not positive definite even with
 * regCovar keeps its previous value, with a warning.
 */
import type { EmStepContext } from '../em/em-driver.js';
import type { ParamValues } from '../em/mixture.js';
import { choleskyInto } from '../math/cholesky.js';
import type { RandomStream } from '../random/stream.js';
import { type ScaleMixtureModel, saveScaleMixtureParams } from './bind-scale-mixture.js';

export interface ScaleMixtureMStepOptions {
  /** Added to scale diagonals and variances (default 1e-6). */
  readonly regCovar: number;
  /** Params held at their current values. */
  readonly fixed: ReadonlySet<string>;
}

/** A total responsibility below this is an empty component. */
const EMPTY = 1e-12;

/** Keys of warnings already given in a run (keyed by the run's stream). */
const reported = new WeakMap<RandomStream, Set<string>>();

function firstTime(ctx: EmStepContext, key: string): boolean {
  let seen = reported.get(ctx.rng);
  if (!seen) {
    seen = new Set();
    reported.set(ctx.rng, seen);
  }
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** Σ_i r[i, k] per component; shape [K]. */
function componentTotals(model: ScaleMixtureModel, out: Float64Array): void {
  const { n, K, resp } = model;
  out.fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[k]! += resp[i * K + k]!;
}

function updateWeights(model: ScaleMixtureModel, totals: Float64Array): void {
  const { K, weights } = model;
  let sum = 0;
  for (let k = 0; k < K; k++) sum += totals[k]!;
  for (let k = 0; k < K; k++) weights[k] = totals[k]! / sum;
}

/** μ_e = Σ r u x / Σ r u over the components k using element e. */
function updateLocation(model: ScaleMixtureModel, empty: Uint8Array): void {
  const { n, d, K, x, resp, eu, location } = model;
  for (let e = 0; e < model.locationElements; e++) {
    const acc = model.work;
    acc.fill(0);
    let total = 0;
    for (let k = 0; k < K; k++) {
      if (model.locationOf(k) !== e || empty[k]) continue;
      for (let i = 0; i < n; i++) {
        const w = resp[i * K + k]! * eu[i * K + k]!;
        if (w === 0) continue;
        total += w;
        for (let j = 0; j < d; j++) acc[j]! += w * x[i * d + j]!;
      }
    }
    if (!(total > 0)) continue;
    for (let j = 0; j < d; j++) location[e * d + j] = acc[j]! / total;
  }
}

/**
 * Σ_e = Σ r u (x − μ_k)(x − μ_k)ᵀ / Σ r over the components k using element e (lower triangle
 * accumulated, then mirrored), plus regCovar on the diagonal.
 * @returns per element: '' when updated, else why the previous value was kept
 */
function updateScale(model: ScaleMixtureModel, empty: Uint8Array, regCovar: number): string[] {
  const { n, d, K, x, resp, eu, location, scale, scatter, work } = model;
  const size = model.program.form === 'mv' ? d * d : 1;
  const outcome: string[] = [];
  for (let e = 0; e < model.scaleElements; e++) {
    scatter.fill(0);
    let total = 0;
    for (let k = 0; k < K; k++) {
      if (model.scaleOf(k) !== e || empty[k]) continue;
      const mean = model.locationOf(k) * d;
      for (let i = 0; i < n; i++) {
        const r = resp[i * K + k]!;
        total += r;
        const w = r * eu[i * K + k]!;
        if (w === 0) continue;
        for (let j = 0; j < d; j++) work[j] = x[i * d + j]! - location[mean + j]!;
        for (let a = 0; a < d; a++) {
          const wa = w * work[a]!;
          for (let b = 0; b <= a; b++) scatter[a * d + b]! += wa * work[b]!;
        }
      }
    }
    if (!(total > 0)) {
      outcome.push('it has no weight');
      continue;
    }
    if (model.program.form === 'univariate') {
      const sd = Math.sqrt(scatter[0]! / total + regCovar);
      if (sd > 0 && Number.isFinite(sd)) {
        scale[e] = sd;
        outcome.push('');
      } else outcome.push('its variance is zero');
      continue;
    }
    const next = new Float64Array(size);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = scatter[a * d + b]! / total + (a === b ? regCovar : 0);
        next[a * d + b] = v;
        next[b * d + a] = v;
      }
    }
    if (!choleskyInto(next, model.chol.subarray(0, size), d) || !next.every(Number.isFinite)) {
      outcome.push('its scatter matrix is singular');
      continue;
    }
    scale.set(next, e * size);
    outcome.push('');
  }
  return outcome;
}

/** Re-seeds empty component k: location at a random item, scale the pooled scale, a small weight. */
function reseed(model: ScaleMixtureModel, k: number, ctx: EmStepContext, fixed: ReadonlySet<string>): number {
  const { d, x, program } = model;
  const item = ctx.rng.uniformInt(model.n);
  if (program.location.perComponent && !fixed.has(program.location.name)) {
    for (let j = 0; j < d; j++) model.location[k * d + j] = x[item * d + j]!;
  }
  if (program.component && !fixed.has(program.component.weights)) {
    model.weights[k] = 1 / model.n;
    let sum = 0;
    for (let m = 0; m < model.K; m++) sum += model.weights[m]!;
    for (let m = 0; m < model.K; m++) model.weights[m]! /= sum;
  }
  return item;
}

/** The pooled scale (all items, all components) into component k's scale element. */
function pooledScale(model: ScaleMixtureModel, k: number, regCovar: number): void {
  const { n, d, x, program, scale } = model;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const size = program.form === 'mv' ? d * d : 1;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) cov[a * d + b]! += ((x[i * d + a]! - mean[a]!) * (x[i * d + b]! - mean[b]!)) / n;
  for (let a = 0; a < d; a++) cov[a * d + a]! += regCovar;
  if (program.form === 'univariate') scale[k] = Math.sqrt(cov[0]!);
  else scale.set(cov, k * size);
}

/** One M-step from `model.resp` and `model.eu`; returns copies of the new values. */
export function mStepScaleMixture(
  model: ScaleMixtureModel,
  ctx: EmStepContext,
  options: ScaleMixtureMStepOptions,
): ParamValues {
  const { program, K } = model;
  const fixed = options.fixed;
  const totals = new Float64Array(K);
  componentTotals(model, totals);
  const empty = new Uint8Array(K);
  const reseeded: number[] = [];
  if (K > 1) {
    for (let k = 0; k < K; k++) {
      if (totals[k]! >= EMPTY) continue;
      empty[k] = 1;
      if (firstTime(ctx, `empty:${k}`)) reseeded.push(k);
    }
  }
  if (program.component && !fixed.has(program.component.weights)) updateWeights(model, totals);
  if (!fixed.has(program.location.name)) updateLocation(model, empty);
  if (!fixed.has(program.scale.name)) {
    const outcome = updateScale(model, empty, options.regCovar);
    outcome.forEach((why, e) => {
      if (why === '' || why === 'it has no weight') return;
      if (!firstTime(ctx, `singular:${e}`)) return;
      const who = program.scale.perComponent ? `component ${e} of '${program.scale.name}'` : `'${program.scale.name}'`;
      ctx.warn(
        `iteration ${ctx.iteration}: ${who} was not updated: ${why} even with regCovar = ${options.regCovar} ` +
          '(a component collapsed onto a point or a line): raise regCovar, or lower the number of components',
      );
    });
  }
  for (const k of reseeded) {
    const item = reseed(model, k, ctx, fixed);
    if (program.scale.perComponent && !fixed.has(program.scale.name)) pooledScale(model, k, options.regCovar);
    const size = program.component && typeof program.component.states === 'string' ? program.component.states : 'K';
    ctx.perturb(
      `iteration ${ctx.iteration}: component ${k} is empty (no item has weight on it): re-seeded from item ${item}; lower ${size}, or use more restarts`,
    );
  }
  return saveScaleMixtureParams(model);
}
