/**
 * Value ranges for the checker's lenient-but-sound inference: each scalar element of a value
 * is known to lie in an interval (with open or closed ends), so `exp(x)` is positive,
 * `logistic(x)` lies in (0, 1) and `(1 - theta) / 4` with `theta: prob` lies in [0, 0.25].
 * An interval may be wider than the true range, never narrower.
 */

export interface Interval {
  readonly lo: number;
  readonly hi: number;
  /** Whether `lo` itself is a possible value (never true for −∞). */
  readonly loClosed: boolean;
  /** Whether `hi` itself is a possible value (never true for +∞). */
  readonly hiClosed: boolean;
}

export function interval(lo: number, hi: number, loClosed = true, hiClosed = true): Interval {
  return { lo, hi, loClosed: loClosed && Number.isFinite(lo), hiClosed: hiClosed && Number.isFinite(hi) };
}

export const realLine = interval(-Infinity, Infinity);
export const positiveReals = interval(0, Infinity, false);
export const nonNegativeReals = interval(0, Infinity);
export const unitInterval = interval(0, 1);
export const openUnitInterval = interval(0, 1, false, false);

export function point(value: number): Interval {
  return interval(value, value);
}

/** Whether every value of `inner` lies in `outer`. */
export function isWithin(inner: Interval, outer: Interval): boolean {
  const loOk = inner.lo > outer.lo || (inner.lo === outer.lo && (outer.loClosed || !inner.loClosed));
  const hiOk = inner.hi < outer.hi || (inner.hi === outer.hi && (outer.hiClosed || !inner.hiClosed));
  return loOk && hiOk;
}

/** The smallest interval holding both. */
export function hull(a: Interval, b: Interval): Interval {
  const lo = Math.min(a.lo, b.lo);
  const hi = Math.max(a.hi, b.hi);
  const loClosed = (a.lo === lo && a.loClosed) || (b.lo === lo && b.loClosed);
  const hiClosed = (a.hi === hi && a.hiClosed) || (b.hi === hi && b.hiClosed);
  return interval(lo, hi, loClosed, hiClosed);
}

interface Bound {
  readonly value: number;
  readonly closed: boolean;
}

/** The interval spanned by candidate end points (the smallest and largest of them). */
function spanOf(candidates: readonly Bound[]): Interval {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of candidates) {
    lo = Math.min(lo, c.value);
    hi = Math.max(hi, c.value);
  }
  const loClosed = candidates.some((c) => c.value === lo && c.closed);
  const hiClosed = candidates.some((c) => c.value === hi && c.closed);
  return interval(lo, hi, loClosed, hiClosed);
}

export function add(a: Interval, b: Interval): Interval {
  return interval(a.lo + b.lo, a.hi + b.hi, a.loClosed && b.loClosed, a.hiClosed && b.hiClosed);
}

export function negate(a: Interval): Interval {
  return interval(-a.hi, -a.lo, a.hiClosed, a.loClosed);
}

export function subtract(a: Interval, b: Interval): Interval {
  return add(a, negate(b));
}

/** Product of two end points; 0 × ∞ counts as 0 (the infinite end is never attained). */
function times(x: Bound, y: Bound): Bound {
  if (x.value === 0 || y.value === 0) {
    const zeroClosed = (x.value === 0 && x.closed) || (y.value === 0 && y.closed);
    return { value: 0, closed: zeroClosed };
  }
  return { value: x.value * y.value, closed: x.closed && y.closed };
}

export function multiply(a: Interval, b: Interval): Interval {
  const as: Bound[] = [
    { value: a.lo, closed: a.loClosed },
    { value: a.hi, closed: a.hiClosed },
  ];
  const bs: Bound[] = [
    { value: b.lo, closed: b.loClosed },
    { value: b.hi, closed: b.hiClosed },
  ];
  return spanOf(as.flatMap((x) => bs.map((y) => times(x, y))));
}

/** 1/b; the whole line when b may be 0 or change sign. */
export function reciprocal(b: Interval): Interval {
  const positive = b.lo > 0 || (b.lo === 0 && !b.loClosed);
  const negative = b.hi < 0 || (b.hi === 0 && !b.hiClosed);
  if (!positive && !negative) return realLine;
  const inv = (v: number): number => (v === 0 ? (positive ? Infinity : -Infinity) : 1 / v);
  return spanOf([
    { value: inv(b.hi), closed: b.hiClosed },
    { value: inv(b.lo), closed: b.loClosed },
  ]);
}

export function divide(a: Interval, b: Interval): Interval {
  return multiply(a, reciprocal(b));
}

/** a^b, by cases that matter for models (squares, powers of probabilities, of positives). */
export function power(a: Interval, b: Interval, exponentIsEvenInteger: boolean): Interval {
  const bNonNegative = b.lo >= 0;
  if (isWithin(a, unitInterval) && bNonNegative) return unitInterval;
  if (a.lo > 0 || (a.lo === 0 && !a.loClosed)) return positiveReals;
  if (a.lo >= 0 || exponentIsEvenInteger) return nonNegativeReals;
  return realLine;
}

/** The image of `a` under an increasing function `f` whose limits at ±∞ are given. */
export function mapIncreasing(a: Interval, f: (x: number) => number): Interval {
  return interval(f(a.lo), f(a.hi), a.loClosed, a.hiClosed);
}

export function expInterval(a: Interval): Interval {
  return mapIncreasing(a, Math.exp);
}

export function logInterval(a: Interval): Interval {
  if (a.lo < 0) return realLine;
  return mapIncreasing(a, Math.log);
}

export function sqrtInterval(a: Interval): Interval {
  if (a.lo < 0) return nonNegativeReals;
  return mapIncreasing(a, Math.sqrt);
}

export function logisticInterval(a: Interval): Interval {
  return mapIncreasing(a, (x) => 1 / (1 + Math.exp(-x)));
}

/** The range of a sum of at least one term, each in `a`, when the number of terms is unknown. */
export function sumOfUnknownCount(a: Interval): Interval {
  if (a.lo > 0 || (a.lo === 0 && !a.loClosed)) return positiveReals;
  if (a.lo >= 0) return nonNegativeReals;
  if (a.hi < 0 || (a.hi === 0 && !a.hiClosed)) return interval(-Infinity, 0, false, false);
  if (a.hi <= 0) return interval(-Infinity, 0);
  return realLine;
}

/** The range of a sum of exactly `n` terms, each in `a`. */
export function sumOfCount(a: Interval, n: number): Interval {
  return interval(a.lo * n, a.hi * n, a.loClosed, a.hiClosed);
}

/** `[0, 0.25]`, `(0, ∞)`: for messages. */
export function formatInterval(a: Interval): string {
  const num = (v: number): string => (v === Infinity ? '∞' : v === -Infinity ? '−∞' : String(v));
  return `${a.loClosed ? '[' : '('}${num(a.lo)}, ${num(a.hi)}${a.hiClosed ? ']' : ')'}`;
}
