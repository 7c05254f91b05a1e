/**
 * The full-covariance Gaussian mixture block kernel on the WebAssembly SIMD primitives
 * (gaussian.wat): the same descriptor, slot and results as the JavaScript kernel
 * (fast/gaussian-full-kernel.ts, whose header documents them), to a few ulps. Per chunk of rows:
 * the K Mahalanobis distances ‖U_kᵀx − U_kᵀμ_k‖² by 4×4 register tiles (`maha4`; `maha2` for D ≤ 2), the
 * responsibilities by a vectorised log-sum-exp (`softmax`), then per component the centred rows
 * d = x − μ_k, their weighted sum (`weight`) and the weighted scatter Σ r d dᵀ by 4×4 tiles
 * (`scatter`; both in one pass, `moments2`, for D ≤ 2), folded into the slot's packed upper triangle at the end of the block.
 * A chunk is one call into the module (`estep` runs those primitives in that order), so the
 * JavaScript here runs per chunk, not per component and primitive.
 *
 * Scratch (f64, from `scratch`; `gaussianFullWasmScratch(D, K)` entries): the padded constants
 * (lc, μ_k, c_k = U_kᵀμ_k, U_k with Dp = D rounded up to 4, or 2 for D ≤ 2), the chunk's distances /
 * responsibilities, row maxima, sums, t terms, exps and `lse` sums, the centred and the weighted rows, the
 * per-component accumulators, and a zero-padded copy of the last rows of the data (the
 * primitives read whole groups of 4 rows and whole padded rows, which must not run past the data).
 * The initialisation's mode 1 (responsibilities given) runs the JavaScript kernel.
 */
import type { Arena } from '../block-kernel.js';
import { gaussianFullBlock } from '../gaussian-full-kernel.js';
import { gaussianWasm, padded } from './gaussian.js';
import { chunkSums } from './responsibilities.js';

/** Rows per chunk: the chunk's rows, centred rows and weights stay in the L2 cache. */
const CHUNK = 256;
/** Rows at the end of the data handled from the zero-padded copy. */
const TAIL = 8;

interface ScratchLayout {
  readonly Dp: number;
  readonly Kp: number;
  readonly lc: number;
  readonly mu: number;
  readonly c: number;
  readonly u: number;
  readonly L: number;
  readonly m: number;
  readonly s: number;
  readonly t: number;
  readonly e: number;
  readonly rec: number;
  readonly d: number;
  readonly w: number;
  readonly sacc: number;
  readonly sx: number;
  readonly nk: number;
  readonly tail: number;
  readonly size: number;
}

function layoutOf(D: number, K: number, at: number): ScratchLayout {
  const Dp = padded(D);
  const Kp = K + (K % 2);
  let top = at;
  const take = (n: number) => {
    const start = top;
    top += n + ((2 - (n % 2)) % 2); // keep every region 16-byte aligned
    return start;
  };
  const lc = take(Kp);
  const mu = take(K * Dp);
  const c = take(K * Dp);
  const u = take(K * Dp * Dp);
  const L = take((CHUNK + 4) * Kp);
  const m = take(CHUNK + 4);
  const s = take(CHUNK + 4);
  const t = take(CHUNK + 4);
  const e = take((CHUNK + 4) * Kp);
  const rec = take(CHUNK + 9);
  const d = take((CHUNK + 4) * Dp);
  const w = take((CHUNK + 4) * Dp);
  const sacc = take(K * Dp * Dp);
  const sx = take(K * Dp);
  const nk = take(Kp);
  const tail = take(TAIL * D + Dp + 4 * D);
  return { Dp, Kp, lc, mu, c, u, L, m, s, t, e, rec, d, w, sacc, sx, nk, tail, size: top - at };
}

/** The last layout asked for (a thread asks for the same one every block). */
let last: { readonly D: number; readonly K: number; readonly at: number; readonly g: ScratchLayout } | undefined;

function layoutAt(D: number, K: number, at: number): ScratchLayout {
  if (last === undefined || last.D !== D || last.K !== K || last.at !== at) last = { D, K, at, g: layoutOf(D, K, at) };
  return last.g;
}

/** Scratch entries per thread the kernel needs (plus 2 for alignment of the start). */
export const gaussianFullWasmScratch = (D: number, K: number): number => layoutOf(D, K, 0).size + 2;

export function gaussianFullWasmBlock(
  arena: Arena,
  desc: number,
  i0: number,
  i1: number,
  slot: number,
  scratch: number,
): void {
  const { f64, i32 } = arena;
  if (i32[desc + 6] === 1) {
    gaussianFullBlock(arena, desc, i0, i1, slot, scratch);
    return;
  }
  const X = i32[desc]!;
  const N = i32[desc + 1]!;
  const D = i32[desc + 2]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const g = layoutAt(D, K, scratch + (scratch % 2));
  const { Dp, Kp } = g;
  const wasm = gaussianWasm(arena.memory);
  const pStride = 1 + D + D * D;

  // Padded constants from the descriptor's P (zeros in the padding, −∞ log weight for the padding column).
  f64.fill(0, g.mu, g.u + K * Dp * Dp);
  for (let k = 0; k < K; k++) {
    const p = P + k * pStride;
    f64[g.lc + k] = f64[p]!;
    for (let j = 0; j < D; j++) f64[g.mu + k * Dp + j] = f64[p + 1 + j]!;
    const u = p + 1 + D;
    const uk = g.u + k * Dp * Dp;
    for (let a = 0; a < D; a++) for (let b = a; b < D; b++) f64[uk + a * Dp + b] = f64[u + a * D + b]!;
    // c_k = U_kᵀ μ_k
    for (let b = 0; b < D; b++) {
      let v = 0;
      for (let a = 0; a <= b; a++) v += f64[uk + a * Dp + b]! * f64[g.mu + k * Dp + a]!;
      f64[g.c + k * Dp + b] = v;
    }
  }
  if (Kp > K) f64[g.lc + K] = Number.NEGATIVE_INFINITY;
  f64.fill(0, g.sacc, g.sacc + K * Dp * Dp);
  f64.fill(0, g.sx, g.sx + K * Dp);
  f64.fill(0, g.nk, g.nk + Kp);

  // Rows from `safeEnd` on are read from the zero-padded copy (reading whole padded rows and
  // groups of 4 from the data itself would run past its end).
  const safeEnd = Math.max(0, N - TAIL);
  let logLik = 0;
  let entropy = 0;
  for (let c0 = i0; c0 < i1; c0 += CHUNK) {
    const c1 = Math.min(i1, c0 + CHUNK);
    // Two pieces: rows read in place, then rows at the end of the data read from the copy.
    const split = Math.min(c1, Math.max(c0, safeEnd));
    for (let piece = 0; piece < 2; piece++) {
      const a = piece === 0 ? c0 : split;
      const b = piece === 0 ? split : c1;
      if (b <= a) continue;
      const rows = b - a;
      let src = X + a * D;
      if (piece === 1) {
        src = g.tail;
        f64.fill(0, g.tail, g.tail + TAIL * D + Dp + 4 * D);
        f64.copyWithin(g.tail, X + a * D, X + b * D);
      }
      wasm.estep(
        src,
        rows,
        D,
        Dp,
        K,
        Kp,
        g.lc,
        g.mu,
        g.c,
        g.u,
        g.L,
        g.m,
        g.s,
        g.t,
        g.e,
        g.d,
        g.w,
        g.sx,
        g.sacc,
        g.nk,
        R >= 0 ? R + (a - i0) * K : -1,
        g.rec,
      );
      const sums = chunkSums(f64, g.rec, K);
      logLik += sums[0]!;
      entropy += sums[1]!;
    }
  }

  const sStride = D + (D * (D + 1)) / 2;
  const stats = slot + 2 + K;
  for (let k = 0; k < K; k++) {
    f64[slot + 2 + k]! += f64[g.nk + k]!;
    const s1 = stats + k * sStride;
    for (let a = 0; a < D; a++) f64[s1 + a]! += f64[g.sx + k * Dp + a]!;
    let s2 = s1 + D;
    const sk = g.sacc + k * Dp * Dp;
    for (let a = 0; a < D; a++) for (let b = a; b < D; b++) f64[s2++]! += f64[sk + a * Dp + b]!;
  }
  f64[slot]! += logLik;
  f64[slot + 1]! += entropy;
}
