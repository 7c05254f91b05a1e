/**
 * Log-sum-exp normalisation of an [n, S] matrix of joint log densities into responsibilities
 * (in place) and per-item log-likelihoods, plus the entropy of the responsibilities (for ICL).
 */

/**
 * Turns row i of `logp` into r[i, s] = p(state s | item i) in place and writes
 * log Σ_s exp(logp[i, s]) into `itemLogLik[i]`. A row that is −∞ everywhere (an item impossible
 * under every state) keeps uniform responsibilities and contributes −∞.
 * @param logp shape [n, S], row-major; overwritten by the responsibilities
 * @param itemLogLik shape [n]
 * @returns Σ_i itemLogLik[i], the observed-data log-likelihood
 */
export function normalizeResponsibilities(logp: Float64Array, n: number, S: number, itemLogLik: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * S;
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < S; s++) if (logp[row + s]! > max) max = logp[row + s]!;
    if (max === Number.NEGATIVE_INFINITY || Number.isNaN(max)) {
      for (let s = 0; s < S; s++) logp[row + s] = 1 / S;
      itemLogLik[i] = Number.NEGATIVE_INFINITY;
      total = Number.NEGATIVE_INFINITY;
      continue;
    }
    let sum = 0;
    for (let s = 0; s < S; s++) {
      const e = Math.exp(logp[row + s]! - max);
      logp[row + s] = e;
      sum += e;
    }
    for (let s = 0; s < S; s++) logp[row + s]! /= sum;
    const ll = max + Math.log(sum);
    itemLogLik[i] = ll;
    total += ll;
  }
  return total;
}

/**
 * −Σ_i Σ_s r log r, the classification entropy (0 log 0 = 0).
 * @param resp shape [n, S]
 */
export function responsibilityEntropy(resp: Float64Array): number {
  let h = 0;
  for (let k = 0; k < resp.length; k++) {
    const r = resp[k]!;
    if (r > 0) h -= r * Math.log(r);
  }
  return h;
}
