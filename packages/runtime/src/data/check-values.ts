/**
 * The support of each element type, checked value by value: scalars against their range and
 * integrality, then whole `simplex` and `cov` elements against their structure.
 */
import type { TypeBase } from '../distributions/type-pattern.js';
import type { SupportRule } from './data-problems.js';

/** How far a simplex may sum from 1. */
export const simplexTolerance = 1e-8;
/** Relative tolerance for the symmetry of a covariance matrix. */
export const symmetryTolerance = 1e-8;

/**
 * Why a finite scalar is outside the support of `type`, or undefined when it is inside.
 * Simplex and covariance entries are checked as a whole by `checkSimplex` / `checkCovariance`.
 */
export function supportViolation(type: TypeBase, value: number, categories?: number): SupportRule | undefined {
  switch (type) {
    case 'real':
    case 'simplex':
    case 'cov':
      return undefined;
    case 'positive':
      return value > 0 ? undefined : 'not-positive';
    case 'prob':
      return value >= 0 && value <= 1 ? undefined : 'not-probability';
    case 'int':
      return Number.isInteger(value) ? undefined : 'fractional';
    case 'count':
      if (!Number.isInteger(value)) return 'fractional';
      return value >= 0 ? undefined : 'negative';
    case 'cat':
      if (!Number.isInteger(value)) return 'fractional';
      return value >= 0 && (categories === undefined || value < categories) ? undefined : 'category-range';
  }
}

/** The sum and first negative entry of a probability vector, when it is not a simplex. */
export function checkSimplex(entries: readonly number[]): { sum: number; negativeAt?: number } | undefined {
  let sum = 0;
  let negativeAt: number | undefined;
  entries.forEach((p, i) => {
    sum += p;
    if (p < 0 && negativeAt === undefined) negativeAt = i;
  });
  if (negativeAt !== undefined) return { sum, negativeAt };
  return Math.abs(sum - 1) > simplexTolerance ? { sum } : undefined;
}

/**
 * Why a square matrix (rows of equal length) is not a covariance: the first asymmetric pair,
 * or `{}` when it is symmetric but not positive definite (a Cholesky pivot ≤ 0, no ridge).
 */
export function checkCovariance(rows: readonly (readonly number[])[]): { asymmetricAt?: [number, number] } | undefined {
  const d = rows.length;
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.NaN;
  let scale = 0;
  for (let i = 0; i < d; i++) scale = Math.max(scale, Math.abs(at(i, i)));
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      if (Math.abs(at(i, j) - at(j, i)) > symmetryTolerance * Math.max(1, scale)) return { asymmetricAt: [i, j] };
    }
  }
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let pivot = at(j, j);
    for (let k = 0; k < j; k++) pivot -= (l[j * d + k] ?? 0) ** 2;
    if (!(pivot > 0)) return {};
    const root = Math.sqrt(pivot);
    l[j * d + j] = root;
    for (let i = j + 1; i < d; i++) {
      let s = at(i, j);
      for (let k = 0; k < j; k++) s -= (l[i * d + k] ?? 0) * (l[j * d + k] ?? 0);
      l[i * d + j] = s / root;
    }
  }
  return undefined;
}
