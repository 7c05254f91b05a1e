/**
 * The Poisson and Bernoulli kernels on the WebAssembly log-sum-exp against the JavaScript ones
 * (the same descriptor and slot): log-likelihood, entropy, weights, weighted sums and the written
 * responsibilities, on random counts and 0/1 data, over blocks longer than a chunk.
 */
import { describe, expect, it } from 'vitest';
import { ArenaLayout, makeArena } from '../../src/fast/block-kernel.js';
import { bernoulliBlock, poissonBlock } from '../../src/fast/count-kernels.js';
import { bernoulliWasmBlock, countWasmScratch, poissonWasmBlock } from '../../src/fast/wasm/count-wasm.js';

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

const families = [
  ['Poisson', poissonBlock, poissonWasmBlock, (D: number) => 1 + D],
  ['Bernoulli', bernoulliBlock, bernoulliWasmBlock, (D: number) => 1 + 2 * D],
] as const;

describe.each(families)('the %s WebAssembly kernel', (family, js, wasm, pStride) => {
  for (const [N, D, K] of [
    [1, 1, 1],
    [1300, 1, 4],
    [777, 3, 5],
    [300, 2, 2],
  ] as const) {
    it(`matches the JavaScript kernel at N = ${N}, D = ${D}, K = ${K}`, () => {
      const rnd = lcg(N * 7 + D * 3 + K);
      const layout = new ArenaLayout();
      const X = layout.f64s(N * D);
      const P = layout.f64s(K * pStride(D));
      const R = layout.f64s(N * K);
      const R2 = layout.f64s(N * K);
      const statSize = 2 + K + K * D;
      const slotA = layout.f64s(statSize);
      const slotB = layout.f64s(statSize);
      const scratch = layout.f64s(countWasmScratch(D, K) + K);
      const desc = layout.i32s(8);
      const arena = makeArena(layout.bytes);
      const { f64, i32 } = arena;
      for (let i = 0; i < N * D; i++) f64[X + i] = family === 'Poisson' ? Math.floor(12 * rnd()) : rnd() < 0.4 ? 1 : 0;
      for (let k = 0; k < K; k++) {
        const p = P + k * pStride(D);
        f64[p] = Math.log((k + 1) / K) - (family === 'Poisson' ? 5 * rnd() : 0);
        for (let j = 0; j < D; j++) {
          const q = 0.05 + 0.9 * rnd();
          f64[p + 1 + j] = family === 'Poisson' ? Math.log(1 + 10 * q) : Math.log(q);
          if (family === 'Bernoulli') f64[p + 1 + D + j] = Math.log1p(-q);
        }
      }
      i32.set([X, N, D, K, P, R, 0, 0], desc);
      js(arena, desc, 0, N, slotA, scratch);
      i32[desc + 5] = R2;
      wasm(arena, desc, 0, N, slotB, scratch);
      for (let j = 0; j < statSize; j++) {
        const a = f64[slotA + j]!;
        const b = f64[slotB + j]!;
        expect(Math.abs(a - b), `slot entry ${j}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(a)));
      }
      for (let j = 0; j < N * K; j++) expect(Math.abs(f64[R + j]! - f64[R2 + j]!)).toBeLessThanOrEqual(1e-13);
    });
  }
});
