/**
 * The closed-form M-step of the fast executor, from the summed block statistics (Σ r, Σ r d,
 * Σ r d dᵀ or Σ r d², counts) instead of per-item arrays. It follows the general M-step
 * (em/mixture-m-step.ts) step for step: weights, then the location, then the scale with the new
 * location (ECM order); an empty component's location re-seeded from a random item once per run
 * (the same draw, message and `ctx.perturb`), its scale then pooled over all items; regCovar
 * added to variances and covariance diagonals; the same collapse and non-finite warnings.
 */
import type { EmStepContext } from '../em/em-driver.js';
import { describeCollapse } from '../em/mixture-m-step.js';
import { closedFormUpdates } from '../mstep/index.js';
import type { FastMixture } from './fast-mixture.js';

/** What one E-step leaves for the M-step: the summed statistics and the centres d was taken at. */
export interface FastStats {
  /** The param values the E-step ran at (the M-step keeps fixed ones). */
  readonly values: Readonly<Record<string, Float64Array>>;
  readonly totals: readonly number[];
  /** The location values of the E-step (Gaussian d = x − centre). */
  readonly centres: Float64Array;
  readonly logLik: number;
  readonly logPrior: number;
  readonly entropy: number;
}

export interface FastMStepOptions {
  readonly regCovar: number;
  readonly fixed: ReadonlySet<string>;
}

/** A total weight below this is an empty element (as em/mixture-m-step.ts). */
const EMPTY = 1e-12;

/** Whether every entry is finite (a loop: `every` with a callback costs more than the M-step's arithmetic at small sizes). */
function isFiniteAll(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
  return true;
}

/**
 * Per-call scratch of the M-step (a location's value, a covariance, elimination's copy), reused:
 * a Float64Array of more than 8 entries has its store allocated outside the heap, which costs
 * ~1 µs each time, and the M-step runs every iteration. Nothing keeps a scratch past its call.
 */
const scratches = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];

/** Scratch `which` with room for `size` entries: its first `size` entries (unspecified values). */
function scratch(which: number, size: number): Float64Array {
  if (scratches[which]!.length < size) scratches[which] = new Float64Array(size);
  return scratches[which]!.length === size ? scratches[which]! : scratches[which]!.subarray(0, size);
}

/**
 * Whether some pivot of Gaussian elimination on cov (d × d, unchanged) is not above `bound`:
 * em/mixture-m-step.ts's `pivots(cov, d).some((v) => !(v > bound))`, the same arithmetic, on a
 * reused copy instead of a fresh one and an array per call. The first pivot at or below `bound`
 * ends the search (`pivots` would go on past it, but the answer is already true).
 */
function somePivotAtMost(cov: Float64Array, d: number, bound: number): boolean {
  const a = scratch(2, d * d);
  a.set(cov); // cov is d × d
  for (let k = 0; k < d; k++) {
    const piv = a[k * d + k]!;
    if (!(piv > bound)) return true;
    if (!(piv > 0)) continue;
    for (let i = k + 1; i < d; i++) {
      const f = a[i * d + k]! / piv;
      for (let j = k + 1; j < d; j++) a[i * d + j]! -= f * a[k * d + j]!;
    }
  }
  return false;
}

/** Global moments Σ_i (x_i − g)(x_i − g)ᵀ with g the data mean, computed once when an empty scale needs them. */
const momentsCache = new WeakMap<FastMixture, { mean: Float64Array; scatter: Float64Array }>();

/**
 * Streamed fits (runtime/src/stream/) hold no rows: they register how to read one item's row and
 * how to take the global moments in a pass (the same sums in the same order as here).
 */
export interface OutOfCoreRows {
  readonly row: (item: number) => Float64Array;
  readonly moments: () => { readonly mean: Float64Array; readonly scatter: Float64Array };
}

const outOfCore = new WeakMap<FastMixture, OutOfCoreRows>();

/** Registers the row access of a streamed fit's `fm` (its `spec.x` is not the data). */
export function registerOutOfCoreRows(fm: FastMixture, rows: OutOfCoreRows): void {
  outOfCore.set(fm, rows);
}

function globalMoments(fm: FastMixture) {
  const cached = momentsCache.get(fm);
  if (cached) return cached;
  const streamed = outOfCore.get(fm)?.moments();
  if (streamed) {
    momentsCache.set(fm, streamed);
    return streamed;
  }
  const { n, d, x } = fm.spec;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const scatter = new Float64Array(d * d);
  const r = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) r[j] = x[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) scatter[a * d + b]! += r[a]! * r[b]!;
  }
  const out = { mean, scatter };
  momentsCache.set(fm, out);
  return out;
}

/** Σ_i (x_i − μ)(x_i − μ)ᵀ / n over all items: the pooled scatter an empty component's scale gets. */
function pooledScatter(fm: FastMixture, mu: Float64Array): Float64Array {
  const { mean, scatter } = globalMoments(fm);
  const d = fm.spec.d;
  const n = fm.spec.n;
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) out[a * d + b] = scatter[a * d + b]! / n + (mean[a]! - mu[a]!) * (mean[b]! - mu[b]!);
  }
  return out;
}

function firstTime(ctx: EmStepContext, key: string): boolean {
  return ctx.once ? ctx.once(key) : true;
}

/** `component 2 of 'mu'` or `'Sigma'`, and the size to lower (as the general path words them). */
function whoAndSize(fm: FastMixture, name: string, e: number, selected: boolean) {
  return {
    who: selected ? `component ${e} of '${name}'` : `'${name}'`,
    size: selected && fm.spec.statesName !== undefined ? fm.spec.statesName : 'the number of components',
  };
}

function notFinite(ctx: EmStepContext, name: string, e: number): void {
  ctx.warn(
    `iteration ${ctx.iteration}: the update of element ${e} of '${name}' is not finite; kept its previous value (raise regCovar or lower the number of components)`,
  );
}

/** The new param values from the statistics; `current` are the values the E-step ran at. */
export function mStepFast(
  fm: FastMixture,
  stats: FastStats,
  current: Readonly<Record<string, Float64Array>>,
  ctx: EmStepContext,
  options: FastMStepOptions,
): Record<string, Float64Array> {
  const { spec } = fm;
  const { n, d, k, c, x } = spec;
  const t = stats.totals;
  const header = 2;
  const stride = fm.statStride;
  const out: Record<string, Float64Array> = {};
  const newWeights = !options.fixed.has(spec.weights.name);
  for (const name in current) if (!(newWeights && name === spec.weights.name)) out[name] = current[name]!.slice();
  const count = (j: number) => t[header + j]!;
  const statsOf = (j: number) => header + k + j * stride;
  // Weights: the expected counts normalised (or their Dirichlet MAP).
  if (newWeights) {
    let value: Float64Array;
    if (spec.alpha) {
      const counts = new Array<number>(k);
      for (let j = 0; j < k; j++) counts[j] = count(j);
      value = Float64Array.from(closedFormUpdates['dirichlet-map']({ counts, alpha: Array.from(spec.alpha) }));
    } else {
      // closedFormUpdates['categorical-probabilities'] (the sum from 0 in order, then each count
      // over it) without its arrays: this runs every iteration.
      value = new Float64Array(k);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += count(j);
      for (let j = 0; j < k; j++) value[j] = count(j) / sum;
    }
    if (isFiniteAll(value)) out[spec.weights.name] = value;
    else {
      out[spec.weights.name] = current[spec.weights.name]!.slice();
      notFinite(ctx, spec.weights.name, 0);
    }
  }
  // Location: means, rates, probabilities (per coordinate, or pooled over them).
  const loc = spec.location;
  const size = spec.family === 'categorical' ? c : spec.pooled ? 1 : d;
  if (!options.fixed.has(loc.name)) {
    const values = out[loc.name]!;
    const gaussian = spec.family.startsWith('gaussian');
    const value = scratch(0, size);
    for (let e = 0; e < k; e++) {
      const w = count(e);
      const s = statsOf(e);
      if (spec.family === 'categorical') {
        let sum = 0;
        for (let m = 0; m < c; m++) sum += t[s + m]!;
        for (let m = 0; m < c; m++) value[m] = t[s + m]! / sum;
      } else if (w < EMPTY) {
        if (!firstTime(ctx, `empty:${loc.name}:${e}`)) continue;
        const item = ctx.rng.uniformInt(n);
        const row = outOfCore.get(fm)?.row(item) ?? x.subarray(item * d, (item + 1) * d);
        if (spec.pooled) {
          let sum = 0;
          for (let j = 0; j < d; j++) sum += row[j]!;
          value[0] = sum / d;
        } else value.set(row);
        const { who, size: lower } = whoAndSize(fm, loc.name, e, true);
        ctx.perturb(
          `iteration ${ctx.iteration}: ${who} is empty (no item has weight on it): re-seeded from item ${item}; lower ${lower}, or use more restarts`,
        );
      } else if (gaussian) {
        for (let j = 0; j < d; j++) value[j] = stats.centres[e * d + j]! + t[s + j]! / w;
      } else if (spec.pooled) {
        let sum = 0;
        for (let j = 0; j < d; j++) sum += t[s + j]!;
        value[0] = sum / (d * w);
      } else {
        for (let j = 0; j < d; j++) value[j] = t[s + j]! / w;
      }
      if (isFiniteAll(value)) values.set(value, e * size);
      else notFinite(ctx, loc.name, e);
    }
  }
  const scale = spec.scale;
  if (!scale || options.fixed.has(scale.name)) return out;
  // Scale, with the new location: Σ r (d − δ)(d − δ)ᵀ / Σ r where δ = new mean − centre.
  const mu = out[loc.name]!;
  const values = out[scale.name]!;
  const tied = spec.family === 'gaussian-tied';
  const full = tied || spec.family === 'gaussian-full';
  const elements = tied ? 1 : k;
  const reg = options.regCovar;
  // Per-call scratch, reused by every element (this runs every iteration).
  const scratchCov = full ? scratch(1, d * d) : undefined;
  const variances = new Array<number>(d);
  for (let e = 0; e < elements; e++) {
    // The components whose statistics this element sums: all of them (tied), or e.
    const first = tied ? 0 : e;
    const last = tied ? k - 1 : e;
    let weight = 0;
    for (let j = first; j <= last; j++) weight += count(j);
    const empty = weight < EMPTY;
    let value: Float64Array;
    let collapse: string | undefined;
    if (full) {
      const cov = empty ? pooledScatter(fm, mu.subarray(e * d, (e + 1) * d)) : scratchCov!.fill(0);
      if (!empty) {
        for (let j = first; j <= last; j++) {
          const s = statsOf(j);
          const wj = count(j);
          let q = s + d;
          for (let a = 0; a < d; a++) {
            const aa = t[s + a]! / (wj > 0 ? wj : 1);
            const ea = mu[j * d + a]! - stats.centres[j * d + a]!;
            for (let b = a; b < d; b++) {
              const ab = t[s + b]! / (wj > 0 ? wj : 1);
              const eb = mu[j * d + b]! - stats.centres[j * d + b]!;
              cov[a * d + b]! += t[q++]! - wj * (aa * eb + ea * ab - ea * eb);
            }
          }
        }
        for (let a = 0; a < d; a++) {
          for (let b = a; b < d; b++) {
            const v = cov[a * d + b]! / weight;
            cov[a * d + b] = v;
            cov[b * d + a] = v;
          }
        }
      }
      let flat = false;
      for (let j = 0; j < d; j++) {
        variances[j] = cov[j * d + j]!;
        flat ||= !(variances[j]! > reg);
      }
      const singular = somePivotAtMost(cov, d, reg);
      for (let j = 0; j < d; j++) cov[j * d + j]! += reg;
      value = cov;
      // describeCollapse says nothing unless a variance is flat or the matrix singular.
      collapse = flat || singular ? describeCollapse(variances.slice(), singular, reg) : undefined;
    } else {
      const squares = new Float64Array(d);
      if (empty) {
        const pooled = pooledScatter(fm, mu.subarray(e * d, (e + 1) * d));
        for (let j = 0; j < d; j++) squares[j] = pooled[j * d + j]!;
      } else {
        const s = statsOf(e);
        for (let j = 0; j < d; j++) {
          const a = t[s + j]! / weight;
          const dj = mu[e * d + j]! - stats.centres[e * d + j]!;
          squares[j] = t[s + d + j]! / weight - 2 * dj * a + dj * dj;
        }
      }
      const sds =
        spec.family === 'gaussian-diag' && d > 1
          ? Array.from(squares, (q) => Math.sqrt(q))
          : [Math.sqrt(squares.reduce((a, b) => a + b, 0) / d)];
      value = Float64Array.from(sds, (v) => Math.sqrt(v * v + reg));
      collapse = describeCollapse(
        sds.map((v) => v * v),
        false,
        reg,
      );
    }
    if (collapse && !empty && ctx.iteration > 0 && firstTime(ctx, `collapse:${scale.name}:${e}`)) {
      const { who, size: lower } = whoAndSize(fm, scale.name, e, !tied);
      ctx.warn(
        `iteration ${ctx.iteration}: ${who} ${collapse}; only regCovar = ${reg} keeps it positive definite, so the likelihood there is as large as regCovar lets it be: raise regCovar, or lower ${lower}`,
      );
    }
    if (isFiniteAll(value)) values.set(value, e * value.length);
    else notFinite(ctx, scale.name, e);
  }
  return out;
}
