/**
 * Independent numerical machinery for the family table: adaptive Simpson integration (with the
 * substitutions that map ℝ and (0, ∞) to bounded intervals), parameter coordinates for numerical
 * gradients (simplex and covariance constraints respected), per-item scores, and sample moments.
 */
import type { DistributionSpec, NumericValue } from '../../src/index.js';

/** Adaptive Simpson on [a, b] to absolute tolerance `tol`. */
export function integrate(f: (x: number) => number, a: number, b: number, tol = 1e-11): number {
  const fa = f(a);
  const fb = f(b);
  const m = (a + b) / 2;
  const fm = f(m);
  const whole = ((b - a) / 6) * (fa + 4 * fm + fb);
  return simpson(f, a, b, fa, fm, fb, whole, tol, 50);
}

function simpson(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fm: number,
  fb: number,
  whole: number,
  tol: number,
  depth: number,
): number {
  const m = (a + b) / 2;
  const lm = (a + m) / 2;
  const rm = (m + b) / 2;
  const flm = f(lm);
  const frm = f(rm);
  const left = ((m - a) / 6) * (fa + 4 * flm + fm);
  const right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  // At least 4 levels of bisection, so that a peak between the first five points is not missed.
  if (depth <= 0 || (depth <= 46 && Math.abs(delta) <= 15 * tol)) return left + right + delta / 15;
  return (
    simpson(f, a, m, fa, flm, fm, left, tol / 2, depth - 1) + simpson(f, m, b, fm, frm, fb, right, tol / 2, depth - 1)
  );
}

/** ∫_ℝ f through x = t / (1 − t²) on (−1, 1). */
export function integrateReal(f: (x: number) => number, tol = 1e-11): number {
  return integrate(
    (t) => {
      const x = t / (1 - t * t);
      if (!Number.isFinite(x)) return 0;
      return (f(x) * (1 + t * t)) / (1 - t * t) ** 2;
    },
    -1,
    1,
    tol,
  );
}

/** ∫_0^∞ f through x = t / (1 − t) on (0, 1). */
export function integratePositive(f: (x: number) => number, tol = 1e-11): number {
  return integrate(
    (t) => {
      const x = t / (1 - t);
      if (!Number.isFinite(x) || x <= 0) return 0;
      return f(x) / (1 - t) ** 2;
    },
    0,
    1,
    tol,
  );
}

/** A free coordinate of the parameters: perturbing it by h keeps every constraint. */
export type Coordinate = (params: readonly NumericValue[], h: number) => NumericValue[];

function copy(params: readonly NumericValue[]): NumericValue[] {
  return params.map((p) => (typeof p === 'number' ? p : new Float64Array(p)));
}

/**
 * The free coordinates of the estimated parameters: a scalar is one; a vector each entry; a
 * simplex its first K − 1 entries (the last compensates); a covariance its upper triangle (both
 * mirror entries move together).
 */
export function coordinatesOf(spec: DistributionSpec, params: readonly NumericValue[]): Coordinate[] {
  const known = spec.numerics.exponentialFamily?.known ?? [];
  const out: Coordinate[] = [];
  spec.parameters.forEach((p, index) => {
    if (known.includes(p.name)) return;
    const value = params[index]!;
    if (typeof value === 'number') {
      out.push((ps, h) => {
        const c = copy(ps);
        c[index] = (c[index] as number) + h;
        return c;
      });
    } else if (p.type.startsWith('simplex')) {
      const k = value.length;
      for (let i = 0; i < k - 1; i++) {
        out.push((ps, h) => {
          const c = copy(ps);
          const v = c[index] as Float64Array;
          v[i] = v[i]! + h;
          v[k - 1] = v[k - 1]! - h;
          return c;
        });
      }
    } else if (p.type.startsWith('cov')) {
      const d = Math.round(Math.sqrt(value.length));
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          out.push((ps, h) => {
            const c = copy(ps);
            const v = c[index] as Float64Array;
            v[i * d + j] = v[i * d + j]! + h;
            if (i !== j) v[j * d + i] = v[j * d + i]! + h;
            return c;
          });
        }
      }
    } else {
      for (let i = 0; i < value.length; i++) {
        out.push((ps, h) => {
          const c = copy(ps);
          const v = c[index] as Float64Array;
          v[i] = v[i]! + h;
          return c;
        });
      }
    }
  });
  return out;
}

/** Step for central differences. */
export const STEP = 1e-6;

/**
 * Per-item numerical scores ∂ log p(x_n) / ∂θ_j by central differences.
 * @returns shape [coordinates][n]
 */
export function scores(
  logDensity: (x: NumericValue, params: readonly NumericValue[]) => number,
  items: readonly NumericValue[],
  params: readonly NumericValue[],
  coords: readonly Coordinate[],
): Float64Array[] {
  return coords.map((coord) => {
    const up = coord(params, STEP);
    const down = coord(params, -STEP);
    return Float64Array.from(items, (x) => (logDensity(x, up) - logDensity(x, down)) / (2 * STEP));
  });
}

/** Sample mean and variance of each column, the variance of each column's squared deviation, for 5-SE checks. */
export function columnMoments(
  values: Float64Array,
  dim: number,
): { mean: number[]; variance: number[]; seVar: number[] } {
  const n = values.length / dim;
  const mean = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += values[i * dim + j]! / n;
  const m2 = new Array<number>(dim).fill(0);
  const m4 = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const r = values[i * dim + j]! - mean[j]!;
      m2[j]! += (r * r) / n;
      m4[j]! += (r * r * r * r) / n;
    }
  }
  return { mean, variance: m2, seVar: m4.map((v, j) => Math.sqrt(Math.max(v - m2[j]! ** 2, 0) / n)) };
}
