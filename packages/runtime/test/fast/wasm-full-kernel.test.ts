/**
 * The WebAssembly full- and diagonal-covariance block kernels against the JavaScript ones (the reference
 * implementation of the same descriptor and slot): log-likelihood, entropy, weights, centred
 * first and second moments and the written responsibilities, on random data and parameters, for
 * blocks that end inside the data and at its end, D from 1 to 11, K odd and even; and a row that
 * no component can produce.
 */
import { describe, expect, it } from 'vitest';
import { ArenaLayout, makeArena } from '../../src/fast/block-kernel.js';
import { diagStatStride, gaussianDiagBlock } from '../../src/fast/gaussian-diag-kernel.js';
import { fullStatStride, gaussianFullBlock } from '../../src/fast/gaussian-full-kernel.js';
import { gaussianDiagWasmBlock, gaussianDiagWasmScratch } from '../../src/fast/wasm/gaussian-diag-wasm.js';
import { gaussianFullWasmBlock, gaussianFullWasmScratch } from '../../src/fast/wasm/gaussian-full-wasm.js';

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

function setup(N: number, D: number, K: number, seed: number, diag = false) {
  const rnd = lcg(seed);
  const layout = new ArenaLayout();
  const X = layout.f64s(N * D);
  const pStride = diag ? 1 + 2 * D : 1 + D + D * D;
  const P = layout.f64s(K * pStride);
  const R = layout.f64s(N * K);
  const R2 = layout.f64s(N * K);
  const statSize = 2 + K + K * (diag ? diagStatStride(D) : fullStatStride(D));
  const slotA = layout.f64s(statSize);
  const slotB = layout.f64s(statSize);
  const scratch = layout.f64s(Math.max(gaussianFullWasmScratch(D, K), gaussianDiagWasmScratch(D, K)) + K + K * D);
  const desc = layout.i32s(7);
  const arena = makeArena(layout.bytes);
  const { f64, i32 } = arena;
  for (let i = 0; i < N * D; i++) f64[X + i] = 10 + 4 * (rnd() - 0.5) + (i % D);
  for (let k = 0; k < K; k++) {
    const p = P + k * pStride;
    f64[p] = Math.log((k + 1) / K) - D; // any constant: the kernel adds it
    for (let j = 0; j < D; j++) f64[p + 1 + j] = 10 + j + (rnd() - 0.5);
    if (diag) for (let j = 0; j < D; j++) f64[p + 1 + D + j] = 0.5 + rnd();
    else
      for (let a = 0; a < D; a++) {
        for (let b = 0; b < D; b++)
          f64[p + 1 + D + a * D + b] = b < a ? 99 : b === a ? 0.5 + rnd() : 0.3 * (rnd() - 0.5);
      }
  }
  i32.set([X, N, D, K, P, R, 0], desc);
  return { arena, desc, slotA, slotB, statSize, scratch, R, R2 };
}

const pairs = [
  ['full', gaussianFullBlock, gaussianFullWasmBlock],
  ['diagonal', gaussianDiagBlock, gaussianDiagWasmBlock],
] as const;

describe.each(pairs)('the %s WebAssembly kernel', (form, js, wasm) => {
  for (const [N, D, K] of [
    [1, 1, 1],
    [7, 2, 3],
    [613, 1, 2],
    [613, 2, 3],
    [613, 3, 4],
    [1031, 5, 5],
    [1031, 10, 8],
    [517, 11, 3],
  ] as const) {
    it(`matches the JavaScript kernel at N = ${N}, D = ${D}, K = ${K}`, () => {
      const { arena, desc, slotA, slotB, statSize, scratch, R, R2 } = setup(N, D, K, N + D + K, form === 'diagonal');
      const { f64, i32 } = arena;
      const cuts = [0, Math.floor(N / 3), N];
      for (let c = 0; c + 1 < cuts.length; c++) {
        const [i0, i1] = [cuts[c]!, cuts[c + 1]!];
        if (i1 <= i0) continue;
        f64.fill(0, slotA, slotA + statSize);
        f64.fill(0, slotB, slotB + statSize);
        i32[desc + 5] = R + i0 * K;
        js(arena, desc, i0, i1, slotA, scratch);
        i32[desc + 5] = R2 + i0 * K;
        wasm(arena, desc, i0, i1, slotB, scratch);
        for (let j = 0; j < statSize; j++) {
          const a = f64[slotA + j]!;
          const b = f64[slotB + j]!;
          expect(Math.abs(a - b), `slot entry ${j}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(a)));
        }
        for (let j = 0; j < (i1 - i0) * K; j++)
          expect(Math.abs(f64[R + i0 * K + j]! - f64[R2 + i0 * K + j]!)).toBeLessThanOrEqual(1e-13);
      }
    });
  }

  it('gives uniform responsibilities and −∞ for a row no component can produce', () => {
    const { arena, desc, slotA, slotB, statSize, scratch, R, R2 } = setup(40, 2, 3, 5, form === 'diagonal');
    const { f64, i32 } = arena;
    const X = i32[desc]!;
    f64[X + 2 * 17] = Number.POSITIVE_INFINITY;
    f64.fill(0, slotA, slotA + 2 * statSize);
    i32[desc + 5] = R;
    js(arena, desc, 0, 40, slotA, scratch);
    i32[desc + 5] = R2;
    wasm(arena, desc, 0, 40, slotB, scratch);
    expect(f64[slotA]).toBe(Number.NEGATIVE_INFINITY);
    expect(f64[slotB]).toBe(Number.NEGATIVE_INFINITY);
    for (let k = 0; k < 3; k++) expect(f64[R2 + 17 * 3 + k]).toBe(1 / 3);
  });
});
