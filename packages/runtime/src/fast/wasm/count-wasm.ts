/**
 * The Poisson and Bernoulli mixture block kernels with the responsibilities on the WebAssembly
 * log-sum-exp (gaussian.wat's `softmax`, which needs no log per component for the entropy):
 * the same descriptor, slot and results as the JavaScript kernels (fast/count-kernels.ts,
 * whose header documents them), to a few ulps. Per chunk of rows the K log densities are
 * written as −2 × (log w_k + log p(x | k)) (softmax's distance convention, with zero constants),
 * normalised in WebAssembly, then the weighted sums Σ r and Σ r x are added in JavaScript.
 * The initialisation's mode 1 (responsibilities given) runs the JavaScript kernels.
 */
import type { Arena, BlockKernel } from '../block-kernel.js';
import { bernoulliBlock, poissonBlock } from '../count-kernels.js';
import { gaussianWasm } from './gaussian.js';
import { responsibilities } from './responsibilities.js';

const CHUNK = 512;

function layoutOf(K: number, at: number) {
  const Kp = K + (K % 2);
  let top = at;
  const take = (n: number) => {
    const start = top;
    top += n + (n % 2);
    return start;
  };
  const lc = take(Kp);
  const L = take(CHUNK * Kp);
  const m = take(CHUNK);
  const s = take(CHUNK);
  const t = take(CHUNK);
  const e = take(CHUNK * Kp);
  const rec = take(CHUNK + 5);
  return { Kp, lc, L, m, s, t, e, rec, size: top - at };
}

/** Scratch entries per thread the kernels need (plus 2 for alignment of the start). */
export const countWasmScratch = (_d: number, k: number): number => layoutOf(k, 0).size + 2;

/**
 * The E-step of a count family on rows [i0, i1): `fill` writes the chunk's −2 × log densities into
 * L (row stride Kp), the WebAssembly log-sum-exp turns them into responsibilities, then Σ r and
 * Σ r x are added to the slot.
 */
function countPass(
  arena: Arena,
  desc: number,
  i0: number,
  i1: number,
  slot: number,
  scratch: number,
  fill: (
    f64: Float64Array,
    X: number,
    D: number,
    K: number,
    Kp: number,
    P: number,
    L: number,
    c0: number,
    rows: number,
  ) => void,
): void {
  const { f64, i32 } = arena;
  const X = i32[desc]!;
  const D = i32[desc + 2]!;
  const K = i32[desc + 3]!;
  const P = i32[desc + 4]!;
  const R = i32[desc + 5]!;
  const g = layoutOf(K, scratch + (scratch % 2));
  const { Kp } = g;
  const wasm = gaussianWasm(arena.memory);
  for (let k = 0; k < Kp; k++) f64[g.lc + k] = k < K ? 0 : Number.NEGATIVE_INFINITY;
  if (Kp > K) for (let r = 0; r < CHUNK; r++) f64[g.L + r * Kp + K] = 0;
  const stats = slot + 2 + K;
  let logLik = 0;
  let entropy = 0;
  for (let c0 = i0; c0 < i1; c0 += CHUNK) {
    const rows = Math.min(CHUNK, i1 - c0);
    fill(f64, X, D, K, Kp, P, g.L, c0, rows);
    const sums = responsibilities(f64, wasm, g, rows, K);
    logLik += sums[0]!;
    entropy += sums[1]!;
    if (R >= 0)
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < K; k++) f64[R + (c0 + r - i0) * K + k] = f64[g.L + r * Kp + k]!;
    for (let k = 0; k < K; k++) {
      let n = 0;
      const s = stats + k * D;
      if (D === 1) {
        let sx = 0;
        for (let r = 0; r < rows; r++) {
          const rk = f64[g.L + r * Kp + k]!;
          n += rk;
          sx += rk * f64[X + c0 + r]!;
        }
        f64[s]! += sx;
      } else {
        for (let r = 0; r < rows; r++) {
          const rk = f64[g.L + r * Kp + k]!;
          n += rk;
          const x = X + (c0 + r) * D;
          for (let j = 0; j < D; j++) f64[s + j]! += rk * f64[x + j]!;
        }
      }
      f64[slot + 2 + k]! += n;
    }
  }
  f64[slot]! += logLik;
  f64[slot + 1]! += entropy;
}

/** Poisson: −2 (c_k + Σ_j x_j log λ_kj) (the −log x! terms are the caller's constant). */
function fillPoisson(
  f64: Float64Array,
  X: number,
  D: number,
  K: number,
  Kp: number,
  P: number,
  L: number,
  c0: number,
  rows: number,
) {
  const stride = 1 + D;
  for (let r = 0; r < rows; r++) {
    const x = X + (c0 + r) * D;
    const o = L + r * Kp;
    for (let k = 0; k < K; k++) {
      const p = P + k * stride;
      let v = f64[p]!;
      for (let j = 0; j < D; j++) {
        const c = f64[x + j]!;
        if (c !== 0) v += c * f64[p + 1 + j]!;
      }
      f64[o + k] = -2 * v;
    }
  }
}

/** Bernoulli: −2 (c_k + Σ_j (x_j = 1 ? log p_kj : log(1 − p_kj))). */
function fillBernoulli(
  f64: Float64Array,
  X: number,
  D: number,
  K: number,
  Kp: number,
  P: number,
  L: number,
  c0: number,
  rows: number,
) {
  const stride = 1 + 2 * D;
  for (let r = 0; r < rows; r++) {
    const x = X + (c0 + r) * D;
    const o = L + r * Kp;
    for (let k = 0; k < K; k++) {
      const p = P + k * stride;
      let v = f64[p]!;
      for (let j = 0; j < D; j++) v += f64[x + j] !== 0 ? f64[p + 1 + j]! : f64[p + 1 + D + j]!;
      f64[o + k] = -2 * v;
    }
  }
}

export const poissonWasmBlock: BlockKernel = (arena, desc, i0, i1, slot, scratch) => {
  if (arena.i32[desc + 6] === 1) poissonBlock(arena, desc, i0, i1, slot, scratch);
  else countPass(arena, desc, i0, i1, slot, scratch, fillPoisson);
};

export const bernoulliWasmBlock: BlockKernel = (arena, desc, i0, i1, slot, scratch) => {
  if (arena.i32[desc + 6] === 1) bernoulliBlock(arena, desc, i0, i1, slot, scratch);
  else countPass(arena, desc, i0, i1, slot, scratch, fillBernoulli);
};
