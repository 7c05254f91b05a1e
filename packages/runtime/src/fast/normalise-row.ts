/**
 * The row step every JavaScript block kernel of fast/ shares: a row's K log densities (log w_k +
 * log p(x | k)) into responsibilities, its entropy added to the slot, its log-likelihood returned;
 * or, in mode 1, the responsibilities read from where the caller put them.
 */

/**
 * Turns the K log densities at f64[lp …] into responsibilities in place, adds the row's
 * entropy to f64[slot + 1] and returns log Σ_k exp(lp_k) (−∞ and uniform r for an impossible row).
 */
export function normaliseRow(f64: Float64Array, lp: number, K: number, slot: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < K; k++) if (f64[lp + k]! > max) max = f64[lp + k]!;
  if (max === Number.NEGATIVE_INFINITY || Number.isNaN(max)) {
    for (let k = 0; k < K; k++) f64[lp + k] = 1 / K;
    f64[slot + 1]! += Math.log(K);
    return Number.NEGATIVE_INFINITY;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(f64[lp + k]! - max);
    f64[lp + k] = e;
    sum += e;
  }
  const inv = 1 / sum;
  let entropy = 0;
  for (let k = 0; k < K; k++) {
    const r = f64[lp + k]! * inv;
    f64[lp + k] = r;
    if (r > 0) entropy -= r * Math.log(r);
  }
  f64[slot + 1]! += entropy;
  return max + Math.log(sum);
}

/** The responsibilities of row i: computed (mode 0, optionally written to R) or read (mode 1). */
export function finishRow(f64: Float64Array, lp: number, K: number, slot: number, R: number, given: boolean): number {
  if (given) {
    for (let k = 0; k < K; k++) f64[lp + k] = f64[R + k]!;
    return 0;
  }
  const ll = normaliseRow(f64, lp, K, slot);
  if (R >= 0) for (let k = 0; k < K; k++) f64[R + k] = f64[lp + k]!;
  return ll;
}
