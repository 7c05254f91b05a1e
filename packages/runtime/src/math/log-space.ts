/**
 * Log-space helpers for the E-step: log-sum-exp over an array slice or a pair, and the
 * log1p-style functions that keep tiny probabilities exact. All are −∞-safe: a sum of nothing
 * but −∞ is −∞, never NaN.
 */

/**
 * log Σ_i exp(a[i]) over `a[start .. end)`, with the maximum factored out. −∞ when every term is
 * −∞ (or the slice is empty); +∞ when any term is +∞.
 * @param a values in log space, read from start (inclusive) to end (exclusive)
 */
export function logSumExp(a: ArrayLike<number>, start = 0, end: number = a.length): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    const v = a[i]!;
    if (v > max) max = v;
  }
  if (max === Number.NEGATIVE_INFINITY || max === Number.POSITIVE_INFINITY) return max;
  let s = 0;
  for (let i = start; i < end; i++) s += Math.exp(a[i]! - max);
  return max + Math.log(s);
}

/**
 * Normalises `a[start .. end)` in place so that it sums to one in probability space and returns
 * the log normaliser (the log-sum-exp). When every entry is −∞ the slice is left as it is and
 * −∞ is returned: the caller decides what an impossible item means.
 */
export function logNormalize(a: Float64Array, start = 0, end: number = a.length): number {
  const z = logSumExp(a, start, end);
  if (!Number.isFinite(z)) return z;
  for (let i = start; i < end; i++) a[i] = a[i]! - z;
  return z;
}

/** log(exp(a) + exp(b)), −∞-safe. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(1 + exp(x)) (softplus) without overflow. */
export function log1pExp(x: number): number {
  if (x > 36) return x + Math.exp(-x);
  return Math.log1p(Math.exp(x));
}

/** log(1 − exp(x)) for x ≤ 0, accurate on both sides of −log 2 (Mächler 2012); 0 gives −∞. */
export function log1mExp(x: number): number {
  if (x > 0) return Number.NaN;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** x log y with the convention 0 log 0 = 0 (and 0 log anything = 0), so zero counts never meet a log 0. */
export function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}
