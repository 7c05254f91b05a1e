/**
 * Block kernels of the discrete mixtures: Poisson and Bernoulli (a scalar child, or elementwise
 * over a vector child) and Categorical (one category index per row). Per row: the K log
 * densities, log-sum-exp, the responsibilities, and the family's weighted sums.
 *
 * Descriptor (Int32 words at `desc`, the shared header of mixture-layout.ts):
 *   [0] X  f64 index of row 0 of the data, rows of D entries   [1] N   [2] D   [3] K
 *   [4] P  per-component constants:
 *          Poisson      stride 1 + D:  c_k = log w_k − Σ_j λ_kj, then log λ_kj (D)
 *          Bernoulli    stride 1 + 2D: c_k = log w_k, then log p_kj (D), then log(1 − p_kj) (D)
 *          Categorical  stride 1 + C:  c_k = log w_k, then log θ_kc (C)
 *   [5] R  f64 index for rows' responsibilities (row i at R + (i − i0)·K), or −1
 *   [6] mode  0: E-step;  1: read r from R and only accumulate
 *   [7] C  categories (Categorical only; D = 1 and the data hold indices 0 … C − 1)
 * Slot: [0] Σ log p(x_i) (Poisson: without −Σ_ij log x_ij!, a constant the caller adds)
 *   [1] Σ −r log r   [2, 2 + K) Σ r_ik, then per component: Poisson and Bernoulli Σ_i r_ik x_ij (D);
 *   Categorical the expected counts Σ_i r_ik [x_i = c] (C).
 * Scratch: K entries.
 */
import type { Arena } from './block-kernel.js';
import { finishRow } from './normalise-row.js';

export function poissonBlock(arena: Arena, desc: number, i0: number, i1: number, slot: number, scratch: number) {
  const { f64, i32 } = arena;
  const X = i32[desc]!;
  const D = i32[desc + 2]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const given = i32[desc + 6] === 1;
  const pStride = 1 + D;
  const stats = slot + 2 + K;
  let logLik = 0;
  for (let i = i0; i < i1; i++) {
    const x = X + i * D;
    for (let k = 0; k < K; k++) {
      const p = P + k * pStride;
      let v = f64[p]!;
      for (let j = 0; j < D; j++) {
        const c = f64[x + j]!;
        if (c !== 0) v += c * f64[p + 1 + j]!;
      }
      f64[scratch + k] = v;
    }
    logLik += finishRow(f64, scratch, K, slot, R < 0 ? -1 : R + (i - i0) * K, given);
    for (let k = 0; k < K; k++) {
      const r = f64[scratch + k]!;
      f64[slot + 2 + k]! += r;
      const s = stats + k * D;
      for (let j = 0; j < D; j++) f64[s + j]! += r * f64[x + j]!;
    }
  }
  f64[slot]! += logLik;
}

export function bernoulliBlock(arena: Arena, desc: number, i0: number, i1: number, slot: number, scratch: number) {
  const { f64, i32 } = arena;
  const X = i32[desc]!;
  const D = i32[desc + 2]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const given = i32[desc + 6] === 1;
  const pStride = 1 + 2 * D;
  const stats = slot + 2 + K;
  let logLik = 0;
  for (let i = i0; i < i1; i++) {
    const x = X + i * D;
    for (let k = 0; k < K; k++) {
      const p = P + k * pStride;
      let v = f64[p]!;
      for (let j = 0; j < D; j++) v += f64[x + j] !== 0 ? f64[p + 1 + j]! : f64[p + 1 + D + j]!;
      f64[scratch + k] = v;
    }
    logLik += finishRow(f64, scratch, K, slot, R < 0 ? -1 : R + (i - i0) * K, given);
    for (let k = 0; k < K; k++) {
      const r = f64[scratch + k]!;
      f64[slot + 2 + k]! += r;
      const s = stats + k * D;
      for (let j = 0; j < D; j++) f64[s + j]! += r * f64[x + j]!;
    }
  }
  f64[slot]! += logLik;
}

export function categoricalBlock(arena: Arena, desc: number, i0: number, i1: number, slot: number, scratch: number) {
  const { f64, i32 } = arena;
  const X = i32[desc]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const given = i32[desc + 6] === 1;
  const C = i32[desc + 7]!;
  const pStride = 1 + C;
  const stats = slot + 2 + K;
  let logLik = 0;
  for (let i = i0; i < i1; i++) {
    const c = f64[X + i]!;
    for (let k = 0; k < K; k++) {
      const p = P + k * pStride;
      f64[scratch + k] = f64[p]! + f64[p + 1 + c]!;
    }
    logLik += finishRow(f64, scratch, K, slot, R < 0 ? -1 : R + (i - i0) * K, given);
    for (let k = 0; k < K; k++) {
      const r = f64[scratch + k]!;
      f64[slot + 2 + k]! += r;
      f64[stats + k * C + c]! += r;
    }
  }
  f64[slot]! += logLik;
}
