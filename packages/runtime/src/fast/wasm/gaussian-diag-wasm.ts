/**
 * The diagonal-covariance Gaussian mixture block kernel on the WebAssembly SIMD primitives
 * (gaussian.wat): the same descriptor, slot and results as the JavaScript kernel
 * (fast/gaussian-diag-kernel.ts, whose header documents them), to a few ulps. Per chunk of rows:
 * the K scaled distances Σ_j ((x_j − μ_kj)/s_kj)² (`mahaDiag`, lanes over coordinates), the
 * responsibilities by the vectorised log-sum-exp, then per component the centred moments Σ r d
 * and Σ r d² (`momentsDiag`), added to the slot at the end of the block.
 *
 * Scratch (f64, `gaussianDiagWasmScratch(D, K)` entries): the padded constants (lc, μ_k, 1/s_k
 * with D2 = D rounded up to 2, zeros in the padding), the chunk's distances / responsibilities,
 * maxima, sums, t terms and exps, the per-component accumulators and a zero-padded copy of the data's
 * last rows (the primitives read D2 entries per row, one past the end of the data when D is odd).
 * The initialisation's mode 1 (responsibilities given) runs the JavaScript kernel.
 */
import type { Arena } from '../block-kernel.js';
import { gaussianDiagBlock } from '../gaussian-diag-kernel.js';
import { gaussianWasm } from './gaussian.js';
import { responsibilities } from './responsibilities.js';

const CHUNK = 256;
const TAIL = 4;

function layoutOf(D: number, K: number, at: number) {
  const D2 = D + (D % 2);
  const Kp = K + (K % 2);
  let top = at;
  const take = (n: number) => {
    const start = top;
    top += n + (n % 2);
    return start;
  };
  const lc = take(Kp);
  const mu = take(K * D2);
  const p = take(K * D2);
  const L = take(CHUNK * Kp);
  const m = take(CHUNK);
  const s = take(CHUNK);
  const t = take(CHUNK);
  const e = take(CHUNK * Kp);
  const rec = take(CHUNK + 5);
  const sx = take(K * D2);
  const sxx = take(K * D2);
  const nk = take(Kp);
  const tail = take(TAIL * D + 2);
  return { D2, Kp, lc, mu, p, L, m, s, t, e, rec, sx, sxx, nk, tail, size: top - at };
}

/** Scratch entries per thread the kernel needs (plus 2 for alignment of the start). */
export const gaussianDiagWasmScratch = (D: number, K: number): number => layoutOf(D, K, 0).size + 2;

export function gaussianDiagWasmBlock(
  arena: Arena,
  desc: number,
  i0: number,
  i1: number,
  slot: number,
  scratch: number,
): void {
  const { f64, i32 } = arena;
  if (i32[desc + 6] === 1) {
    gaussianDiagBlock(arena, desc, i0, i1, slot, scratch);
    return;
  }
  const X = i32[desc]!;
  const N = i32[desc + 1]!;
  const D = i32[desc + 2]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const g = layoutOf(D, K, scratch + (scratch % 2));
  const { D2, Kp } = g;
  const wasm = gaussianWasm(arena.memory);
  const pStride = 1 + 2 * D;

  f64.fill(0, g.mu, g.mu + K * D2);
  f64.fill(0, g.p, g.p + K * D2);
  for (let k = 0; k < K; k++) {
    const p = P + k * pStride;
    f64[g.lc + k] = f64[p]!;
    for (let j = 0; j < D; j++) {
      f64[g.mu + k * D2 + j] = f64[p + 1 + j]!;
      f64[g.p + k * D2 + j] = f64[p + 1 + D + j]!;
    }
  }
  if (Kp > K) f64[g.lc + K] = Number.NEGATIVE_INFINITY;
  f64.fill(0, g.sx, g.sx + K * D2);
  f64.fill(0, g.sxx, g.sxx + K * D2);
  f64.fill(0, g.nk, g.nk + Kp);

  const safeEnd = D2 > D ? Math.max(0, N - 1) : N;
  let logLik = 0;
  let entropy = 0;
  for (let c0 = i0; c0 < i1; c0 += CHUNK) {
    const c1 = Math.min(i1, c0 + CHUNK);
    // Two pieces: rows read in place, then the data's last row (odd D) read from the copy.
    const split = Math.min(c1, Math.max(c0, safeEnd));
    for (let piece = 0; piece < 2; piece++) {
      const a = piece === 0 ? c0 : split;
      const b = piece === 0 ? split : c1;
      if (b <= a) continue;
      const rows = b - a;
      let src = X + a * D;
      if (piece === 1) {
        src = g.tail;
        f64.fill(0, g.tail, g.tail + TAIL * D + 2);
        f64.set(f64.subarray(X + a * D, X + b * D), g.tail);
      }
      for (let k = 0; k < K; k++) wasm.mahaDiag(src, rows, D, D2, g.mu + k * D2, g.p + k * D2, g.L + k, Kp);
      const sums = responsibilities(f64, wasm, g, rows, K);
      logLik += sums[0]!;
      entropy += sums[1]!;
      if (R >= 0)
        for (let r = 0; r < rows; r++)
          for (let k = 0; k < K; k++) f64[R + (a + r - i0) * K + k] = f64[g.L + r * Kp + k]!;
      for (let k = 0; k < K; k++)
        wasm.momentsDiag(src, rows, D, D2, g.mu + k * D2, g.L + k, Kp, g.sx + k * D2, g.sxx + k * D2, g.nk + k);
    }
  }

  const stats = slot + 2 + K;
  for (let k = 0; k < K; k++) {
    f64[slot + 2 + k]! += f64[g.nk + k]!;
    const s1 = stats + k * 2 * D;
    for (let j = 0; j < D; j++) {
      f64[s1 + j]! += f64[g.sx + k * D2 + j]!;
      f64[s1 + D + j]! += f64[g.sxx + k * D2 + j]!;
    }
  }
  f64[slot]! += logLik;
  f64[slot + 1]! += entropy;
}
