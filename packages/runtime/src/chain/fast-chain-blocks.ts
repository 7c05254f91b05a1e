/**
 * The fast chain E-step's block kernels (the `BlockKernel` contract of fast/block-kernel.ts):
 * each runs forward–backward over the sequences [i0, i1) of a chain and adds their sufficient
 * statistics to its stats slot — the log-likelihood, Σγ₀, Σξ (K × K) and the emission's
 * statistics — reading every size, param and buffer from the arena (layout in
 * fast-chain-layout.ts), so the same call runs on a worker thread.
 *
 * Per sequence: the emission densities of every (step, state) — the Gaussian's from the inverse
 * Cholesky factor of each covariance (no solve, no division), a state at a time with its params
 * in locals (unrolled for D = 3); one pass forward for the scaled forward variables α̂ in
 * probability space (per-step normalisers c_t, the Gaussian's per-step maximum log density
 * factored out first so nothing underflows) and log p(sequence) from the product of the c_t (a
 * log only when the product nears underflow); one pass backward for β̂, adding
 * ξ_t(j, k) = α̂_{t−1}(j) A(j, k) b_t(k) β̂_t(k) / c_t straight into the K × K counts (no per-step
 * ξ is stored) and forming γ_t — the categorical symbol counts are added in that same pass, the
 * Gaussian's γ overwrites α̂ and its moments are summed afterwards a state at a time (the sums
 * in locals for D = 3), which is cheaper than scattering them step by step. Nothing is
 * allocated. An impossible sequence (zero density under every reachable state) sets the slot's
 * log-likelihood to −∞ and adds no statistics; the caller then runs the general executor for
 * that E-step.
 */
import type { BlockKernel } from '../fast/block-kernel.js';
import { DESC_DATA, DESC_E, DESC_K, DESC_MAX_LEN, DESC_PARAMS, DESC_START } from './fast-chain-layout.js';

const NEG_INF = Number.NEGATIVE_INFINITY;

/** The running product of the c_t is turned into a log below this (z > FLUSH keeps it off underflow). */
const FLUSH = 1e-150;

/**
 * b[t, k] = log N(x_t | mu_k, Sigma_k) = logNorm_k − ½ ‖Linv_k (x_t − mu_k)‖² for the L steps of
 * one sequence, a state at a time (its params held in locals when D = 3).
 * @param x0 f64 index of the sequence's first observation, rows of D
 * @param b f64 index of the [L, K] output
 * @param res scratch [D]
 */
function gaussianLogDensities(
  f64: Float64Array,
  x0: number,
  L: number,
  K: number,
  D: number,
  mu: number,
  linv: number,
  logNorm: number,
  b: number,
  res: number,
): void {
  if (D === 3) {
    logDensities3(f64, x0, L, K, mu, linv, logNorm, b);
    return;
  }
  const DD = D * D;
  for (let k = 0; k < K; k++) {
    const m = mu + k * D;
    const l = linv + k * DD;
    const c = f64[logNorm + k]!;
    for (let t = 0; t < L; t++) {
      const x = x0 + t * D;
      for (let j = 0; j < D; j++) f64[res + j] = f64[x + j]! - f64[m + j]!;
      let q = 0;
      for (let j = 0; j < D; j++) {
        const lj = l + j * D;
        let y = 0;
        for (let i = 0; i <= j; i++) y += f64[lj + i]! * f64[res + i]!;
        q += y * y;
      }
      f64[b + t * K + k] = c - 0.5 * q;
    }
  }
}

/** `gaussianLogDensities` for D = 3, unrolled. */
function logDensities3(
  f64: Float64Array,
  x0: number,
  L: number,
  K: number,
  mu: number,
  linv: number,
  logNorm: number,
  b: number,
): void {
  for (let k = 0; k < K; k++) {
    const m = mu + 3 * k;
    const l = linv + 9 * k;
    const m0 = f64[m]!;
    const m1 = f64[m + 1]!;
    const m2 = f64[m + 2]!;
    const l00 = f64[l]!;
    const l10 = f64[l + 3]!;
    const l11 = f64[l + 4]!;
    const l20 = f64[l + 6]!;
    const l21 = f64[l + 7]!;
    const l22 = f64[l + 8]!;
    const c = f64[logNorm + k]!;
    for (let t = 0; t < L; t++) {
      const x = x0 + 3 * t;
      const r0 = f64[x]! - m0;
      const r1 = f64[x + 1]! - m1;
      const r2 = f64[x + 2]! - m2;
      const y0 = l00 * r0;
      const y1 = l10 * r0 + l11 * r1;
      const y2 = l20 * r0 + l21 * r1 + l22 * r2;
      f64[b + t * K + k] = c - 0.5 * (y0 * y0 + y1 * y1 + y2 * y2);
    }
  }
}

/**
 * Adds one sequence's Gaussian statistics, a state at a time: N_k += Σ_t γ_tk, S1_k += Σ_t γ_tk d_t,
 * S2_k += Σ_t γ_tk d_t d_tᵀ (upper triangle), d_t = x_t − mu_k (the sums in locals when D = 3).
 * @param gamma f64 index of γ, [L, K]; @param res scratch [D]
 */
function gaussianStats(
  f64: Float64Array,
  x0: number,
  L: number,
  K: number,
  D: number,
  gamma: number,
  mu: number,
  nk: number,
  s1: number,
  s2: number,
  res: number,
): void {
  if (D === 3) {
    gaussianStats3(f64, x0, L, K, gamma, mu, nk, s1, s2);
    return;
  }
  const DD = D * D;
  for (let k = 0; k < K; k++) {
    const m = mu + k * D;
    const s1k = s1 + k * D;
    const s2k = s2 + k * DD;
    let n = 0;
    for (let t = 0; t < L; t++) {
      const g = f64[gamma + t * K + k]!;
      const x = x0 + t * D;
      n += g;
      for (let i = 0; i < D; i++) f64[res + i] = f64[x + i]! - f64[m + i]!;
      for (let i = 0; i < D; i++) {
        const gd = g * f64[res + i]!;
        f64[s1k + i]! += gd;
        const r = s2k + i * D;
        for (let j = i; j < D; j++) f64[r + j]! += gd * f64[res + j]!;
      }
    }
    f64[nk + k]! += n;
  }
}

/** `gaussianStats` for D = 3, unrolled. */
function gaussianStats3(
  f64: Float64Array,
  x0: number,
  L: number,
  K: number,
  gamma: number,
  mu: number,
  nk: number,
  s1: number,
  s2: number,
): void {
  for (let k = 0; k < K; k++) {
    const m0 = f64[mu + 3 * k]!;
    const m1 = f64[mu + 3 * k + 1]!;
    const m2 = f64[mu + 3 * k + 2]!;
    let n = 0;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let c00 = 0;
    let c01 = 0;
    let c02 = 0;
    let c11 = 0;
    let c12 = 0;
    let c22 = 0;
    for (let t = 0; t < L; t++) {
      const g = f64[gamma + t * K + k]!;
      const x = x0 + 3 * t;
      const r0 = f64[x]! - m0;
      const r1 = f64[x + 1]! - m1;
      const r2 = f64[x + 2]! - m2;
      const g0 = g * r0;
      const g1 = g * r1;
      const g2 = g * r2;
      n += g;
      a0 += g0;
      a1 += g1;
      a2 += g2;
      c00 += g0 * r0;
      c01 += g0 * r1;
      c02 += g0 * r2;
      c11 += g1 * r1;
      c12 += g1 * r2;
      c22 += g2 * r2;
    }
    f64[nk + k]! += n;
    const a = s1 + 3 * k;
    f64[a]! += a0;
    f64[a + 1]! += a1;
    f64[a + 2]! += a2;
    const c = s2 + 9 * k;
    f64[c]! += c00;
    f64[c + 1]! += c01;
    f64[c + 2]! += c02;
    f64[c + 4]! += c11;
    f64[c + 5]! += c12;
    f64[c + 8]! += c22;
  }
}

/**
 * The backward step from t to t − 1 (1 ≤ t < L) over a sequence's scratch rows: w = b_t β̂_t / c_t,
 * β̂_{t−1}(j) = Σ_k A(j, k) w(k) into `beta`, ξ into `xi`, and γ_{t−1} (renormalised against
 * round-off) into `gam`, which may be `aPrev` itself (each α̂_{t−1}(j) is read before γ_{t−1}(j) is written).
 * @param bRow f64 index of b_t [K] (the emission densities of step t, rescaled)
 * @param aPrev f64 index of α̂_{t−1} [K]
 * @param invc 1 / c_t
 */
function backwardStep(
  f64: Float64Array,
  K: number,
  trans: number,
  bRow: number,
  aPrev: number,
  invc: number,
  beta: number,
  w: number,
  gam: number,
  xi: number,
): void {
  for (let k = 0; k < K; k++) f64[w + k] = f64[bRow + k]! * f64[beta + k]! * invc;
  let total = 0;
  for (let j = 0; j < K; j++) {
    const aj = f64[aPrev + j]!;
    const tj = trans + j * K;
    const xj = xi + j * K;
    let bj = 0;
    for (let k = 0; k < K; k++) {
      const tw = f64[tj + k]! * f64[w + k]!;
      bj += tw;
      f64[xj + k]! += aj * tw;
    }
    f64[beta + j] = bj;
    const g = aj * bj;
    f64[gam + j] = g;
    total += g;
  }
  const inv = 1 / total;
  for (let j = 0; j < K; j++) f64[gam + j]! *= inv;
}

/**
 * The forward normaliser step: α̂_t = a / z with a already in `aRow`; returns z (the caller checks it).
 * a(k) = b_t(k) · (init(k) at t = 0, else Σ_j α̂_{t−1}(j) A(j, k)).
 */
function forwardRow(
  f64: Float64Array,
  K: number,
  t: number,
  init: number,
  trans: number,
  bRow: number,
  aRow: number,
): number {
  let z = 0;
  for (let k = 0; k < K; k++) {
    let a = 0;
    if (t === 0) a = f64[init + k]!;
    else for (let j = 0; j < K; j++) a += f64[aRow - K + j]! * f64[trans + j * K + k]!;
    a *= f64[bRow + k]!;
    f64[aRow + k] = a;
    z += a;
  }
  return z;
}

/** Gaussian emissions `y ~ MvNormal(mu[h], Sigma[h])`: the block kernel over sequences [i0, i1). */
export const gaussianChainBlock: BlockKernel = (arena, desc, i0, i1, slot, scratch) => {
  const { f64, i32 } = arena;
  const K = i32[desc + DESC_K]!;
  const D = i32[desc + DESC_E]!;
  const start = i32[desc + DESC_START]!;
  const xs = i32[desc + DESC_DATA]!;
  const init = i32[desc + DESC_PARAMS]!;
  const maxLen = i32[desc + DESC_MAX_LEN]!;
  const trans = init + K;
  const mu = trans + K * K;
  const linv = mu + K * D;
  const logNorm = linv + K * D * D;
  const alpha = scratch;
  const b = alpha + maxLen * K;
  const invc = b + maxLen * K;
  const beta = invc + maxLen;
  const w = beta + K;
  const res = w + 2 * K;
  const gamma0 = slot + 1;
  const xi = gamma0 + K;
  const nk = xi + K * K;
  const s1 = nk + K;
  const s2 = s1 + K * D;
  let logLik = 0;
  sequences: for (let s = i0; s < i1; s++) {
    const n0 = i32[start + s]!;
    const L = i32[start + s + 1]! - n0;
    if (L === 0) continue;
    const x0 = xs + n0 * D;
    gaussianLogDensities(f64, x0, L, K, D, mu, linv, logNorm, b, res);
    let logSum = 0;
    let prod = 1;
    for (let t = 0; t < L; t++) {
      const row = t * K;
      // The step's maximum log density factored out: b = exp(log density − max) ≤ 1, one of them 1.
      let max = NEG_INF;
      for (let k = 0; k < K; k++) if (f64[b + row + k]! > max) max = f64[b + row + k]!;
      if (!(max > NEG_INF) || max === Number.POSITIVE_INFINITY) {
        logLik = NEG_INF;
        continue sequences;
      }
      for (let k = 0; k < K; k++) f64[b + row + k] = Math.exp(f64[b + row + k]! - max);
      const z = forwardRow(f64, K, t, init, trans, b + row, alpha + row);
      if (!(z > 0) || !Number.isFinite(z)) {
        logLik = NEG_INF;
        continue sequences;
      }
      const inv = 1 / z;
      for (let k = 0; k < K; k++) f64[alpha + row + k]! *= inv;
      f64[invc + t] = inv;
      logSum += max;
      if (z > FLUSH) {
        prod *= z;
        if (prod < FLUSH) {
          logSum += Math.log(prod);
          prod = 1;
        }
      } else logSum += Math.log(z);
    }
    logLik += logSum + Math.log(prod);
    // Backward: γ overwrites α̂ row by row (γ_{L−1} = α̂_{L−1} already).
    for (let k = 0; k < K; k++) f64[beta + k] = 1;
    for (let t = L - 1; t > 0; t--) {
      const prev = alpha + (t - 1) * K;
      backwardStep(f64, K, trans, b + t * K, prev, f64[invc + t]!, beta, w, prev, xi);
    }
    for (let k = 0; k < K; k++) f64[gamma0 + k]! += f64[alpha + k]!;
    gaussianStats(f64, x0, L, K, D, alpha, mu, nk, s1, s2, res);
  }
  f64[slot]! += logLik;
};

/** Categorical emissions `y ~ Categorical(emit[h])`: the block kernel over sequences [i0, i1). */
export const categoricalChainBlock: BlockKernel = (arena, desc, i0, i1, slot, scratch) => {
  const { f64, i32 } = arena;
  const K = i32[desc + DESC_K]!;
  const ys = i32[desc + DESC_DATA]!;
  const start = i32[desc + DESC_START]!;
  const init = i32[desc + DESC_PARAMS]!;
  const maxLen = i32[desc + DESC_MAX_LEN]!;
  const trans = init + K;
  const emitT = trans + K * K;
  const alpha = scratch;
  const invc = alpha + maxLen * K;
  const beta = invc + maxLen;
  const w = beta + K;
  const gam = w + K;
  const gamma0 = slot + 1;
  const xi = gamma0 + K;
  const counts = xi + K * K;
  let logLik = 0;
  sequences: for (let s = i0; s < i1; s++) {
    const n0 = i32[start + s]!;
    const L = i32[start + s + 1]! - n0;
    if (L === 0) continue;
    let logSum = 0;
    let prod = 1;
    for (let t = 0; t < L; t++) {
      const row = t * K;
      const z = forwardRow(f64, K, t, init, trans, emitT + i32[ys + n0 + t]! * K, alpha + row);
      if (!(z > 0) || !Number.isFinite(z)) {
        logLik = NEG_INF;
        continue sequences;
      }
      const inv = 1 / z;
      for (let k = 0; k < K; k++) f64[alpha + row + k]! *= inv;
      f64[invc + t] = inv;
      if (z > FLUSH) {
        prod *= z;
        if (prod < FLUSH) {
          logSum += Math.log(prod);
          prod = 1;
        }
      } else logSum += Math.log(z);
    }
    logLik += logSum + Math.log(prod);
    const last = (L - 1) * K;
    let c = counts + i32[ys + n0 + L - 1]! * K;
    for (let k = 0; k < K; k++) {
      f64[beta + k] = 1;
      const g = f64[alpha + last + k]!;
      f64[gam + k] = g;
      f64[c + k]! += g;
    }
    for (let t = L - 1; t > 0; t--) {
      backwardStep(f64, K, trans, emitT + i32[ys + n0 + t]! * K, alpha + (t - 1) * K, f64[invc + t]!, beta, w, gam, xi);
      c = counts + i32[ys + n0 + t - 1]! * K;
      for (let k = 0; k < K; k++) f64[c + k]! += f64[gam + k]!;
    }
    for (let k = 0; k < K; k++) f64[gamma0 + k]! += f64[gam + k]!;
  }
  f64[slot]! += logLik;
};
