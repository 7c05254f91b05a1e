/**
 * The block kernel of a Gaussian mixture with a diagonal covariance per component
 * (`Normal(mu[z], s[z])` over a vector or scalar child; a spherical sd is stored once per
 * coordinate): per row the K log densities, log-sum-exp, the responsibilities and the centred
 * first and second moments per coordinate.
 *
 * Descriptor (Int32 words at `desc`, the shared header of mixture-layout.ts):
 *   [0] X  f64 index of row 0 of the data, rows of D entries   [1] N   [2] D   [3] K
 *   [4] P  per-component constants, stride 1 + 2D: c_k = log w_k − Σ_j log s_kj − (D/2) log 2π,
 *          then μ_k (D), then 1 / s_kj (D)
 *   [5] R  f64 index for rows' responsibilities (row i at R + (i − i0)·K), or −1
 *   [6] mode  0: E-step;  1: read r from R and only accumulate moments
 * Slot: [0] Σ log p(x_i)  [1] Σ −r log r  [2, 2 + K) Σ r_ik, then per component (stride 2D):
 *   Σ_i r_ik d_ikj (D), Σ_i r_ik d_ikj² (D), with d_ik = x_i − μ_k.
 * Scratch: K log densities, then K·D differences.
 */
import type { Arena } from './block-kernel.js';
import { finishRow } from './normalise-row.js';

export const diagStatStride = (d: number): number => 2 * d;

export function gaussianDiagBlock(arena: Arena, desc: number, i0: number, i1: number, slot: number, scratch: number) {
  const { f64, i32 } = arena;
  const X = i32[desc]!;
  const D = i32[desc + 2]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const given = i32[desc + 6] === 1;
  const pStride = 1 + 2 * D;
  const sStride = 2 * D;
  const lp = scratch;
  const diff = scratch + K;
  const stats = slot + 2 + K;
  let logLik = 0;
  for (let i = i0; i < i1; i++) {
    const x = X + i * D;
    const rr = R + (i - i0) * K;
    for (let k = 0; k < K; k++) {
      const p = P + k * pStride;
      const mu = p + 1;
      const inv = mu + D;
      const dk = diff + k * D;
      let q = 0;
      for (let j = 0; j < D; j++) {
        const d = f64[x + j]! - f64[mu + j]!;
        f64[dk + j] = d;
        const z = d * f64[inv + j]!;
        q += z * z;
      }
      const v = f64[p]! - 0.5 * q;
      f64[lp + k] = v;
    }
    logLik += finishRow(f64, lp, K, slot, R < 0 ? -1 : rr, given);
    for (let k = 0; k < K; k++) {
      const r = f64[lp + k]!;
      f64[slot + 2 + k]! += r;
      if (r === 0) continue;
      const dk = diff + k * D;
      const s1 = stats + k * sStride;
      const s2 = s1 + D;
      for (let j = 0; j < D; j++) {
        const rd = r * f64[dk + j]!;
        f64[s1 + j]! += rd;
        f64[s2 + j]! += rd * f64[dk + j]!;
      }
    }
  }
  f64[slot]! += logLik;
}
