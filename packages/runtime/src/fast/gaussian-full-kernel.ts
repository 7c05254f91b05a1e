/**
 * The block kernel of a Gaussian mixture with a full covariance per component (and, with every
 * component given the same factor, a tied one): per row the K log densities in sklearn's
 * precision-Cholesky form, log-sum-exp, the responsibilities, and the centred moments.
 *
 * Descriptor (Int32 words at `desc`; the layout every fast kernel shares, see mixture-layout.ts):
 *   [0] X  f64 index of row 0 of the data, rows of D entries, row-major
 *   [1] N  rows      [2] D  entries per row      [3] K  components
 *   [4] P  f64 index of the per-component constants, stride 1 + D + D·D per component k:
 *          c_k = log w_k + Σ_j log U_k[j, j] − (D/2) log 2π, then μ_k (D), then U_k (D × D row-major,
 *          upper triangular, Σ_k⁻¹ = U_k U_kᵀ; the strictly lower part is never read)
 *   [5] R  f64 index where rows' responsibilities go (row i at R + (i − i0)·K), or −1: none
 *   [6] mode  0: E-step (compute r);  1: read r from R + (i − i0)·K and only accumulate moments
 * Slot (f64, from `slot`): [0] Σ_i log p(x_i)  [1] Σ_i Σ_k −r_ik log r_ik  [2, 2 + K) Σ_i r_ik, then
 *   per component k (stride D + D(D+1)/2): Σ_i r_ik d_ik (D), then Σ_i r_ik d_ik d_ikᵀ packed upper
 *   triangle row by row ((0,0), (0,1) … (0,D−1), (1,1) …), where d_ik = x_i − μ_k (centred at the
 *   current means, so covariances keep their digits).
 * Scratch (f64): K log densities, then K·D differences d_ik.
 * log w_k + log N(x; μ_k, Σ_k) = c_k − ½‖U_kᵀ(x − μ_k)‖²: no divisions in the loop.
 */
import type { Arena } from './block-kernel.js';
import { finishRow } from './normalise-row.js';

/** Statistics per component after the 2 + K header: Σ r d and the packed upper Σ r d dᵀ. */
export const fullStatStride = (d: number): number => d + (d * (d + 1)) / 2;

export function gaussianFullBlock(arena: Arena, desc: number, i0: number, i1: number, slot: number, scratch: number) {
  const { f64, i32 } = arena;
  const X = i32[desc]!;
  const D = i32[desc + 2]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const given = i32[desc + 6] === 1;
  const pStride = 1 + D + D * D;
  const sStride = fullStatStride(D);
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
      const u = mu + D;
      const dk = diff + k * D;
      for (let j = 0; j < D; j++) f64[dk + j] = f64[x + j]! - f64[mu + j]!;
      if (given) continue;
      // z_j = Σ_{m ≤ j} U[m, j] d_m (U upper triangular): one column of U per z entry.
      let q = 0;
      for (let j = 0; j < D; j++) {
        let z = 0;
        for (let m = 0; m <= j; m++) z += f64[u + m * D + j]! * f64[dk + m]!;
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
      let s2 = s1 + D;
      for (let a = 0; a < D; a++) {
        const rd = r * f64[dk + a]!;
        f64[s1 + a]! += rd;
        for (let b = a; b < D; b++) f64[s2++]! += rd * f64[dk + b]!;
      }
    }
  }
  f64[slot]! += logLik;
}
