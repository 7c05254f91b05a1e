/**
 * Small block kernels of the pool itself, for its tests and its benchmark
 * (test/bench/parallel-blocks.ts): they exercise the contract of fast/block-kernel.ts — rows
 * read from the arena, a per-thread scratch area, one stats slot per block — without a model.
 *
 * Descriptor (Int32 words at `desc`): [x, d, reps, throwFrom, throwOn]: x is the f64 index of
 * n × d row-major values; `reps` repeats the work of `probe.spin`; `probe.throw` throws on every
 * block that starts at row ≥ throwFrom, run by any thread (throwOn 0), a worker (1) or the
 * calling thread (2).
 */
import type { Arena, BlockKernel } from '../fast/block-kernel.js';
import { workerThreads } from './worker-threads.js';

/** Stats (2d + 1): Σ x_j, Σ x_j², Σ_i log Σ_j exp(x_ij). Scratch: d entries. */
const moments: BlockKernel = (arena, desc, i0, i1, slot, scratch) => {
  const { f64, i32 } = arena;
  const x = i32[desc]!;
  const d = i32[desc + 1]!;
  for (let i = i0; i < i1; i++) {
    const row = x + i * d;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < d; j++) {
      const v = f64[row + j]!;
      f64[slot + j]! += v;
      f64[slot + d + j]! += v * v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const e = Math.exp(f64[row + j]! - max);
      f64[scratch + j] = e;
      sum += e;
    }
    f64[slot + 2 * d]! += max + Math.log(sum);
  }
};

/** Stats (1): nothing added; the pool's own cost per pass. */
const empty: BlockKernel = () => {};

/** Stats (1): Σ_i Σ_r sin(x_i0 + r), `reps` rounds per row: work of a chosen size. */
const spin: BlockKernel = (arena, desc, i0, i1, slot) => {
  const { f64, i32 } = arena;
  const x = i32[desc]!;
  const d = i32[desc + 1]!;
  const reps = i32[desc + 2]!;
  let acc = 0;
  for (let i = i0; i < i1; i++) {
    const v = f64[x + i * d]!;
    for (let r = 0; r < reps; r++) acc += Math.sin(v + r);
  }
  f64[slot]! += acc;
};

/** Like `spin`, but throws on the blocks `throwFrom` selects (see the header). */
const throwing: BlockKernel = (arena, desc, i0, i1, slot, scratch) => {
  const on = arena.i32[desc + 4]!;
  if (i0 >= arena.i32[desc + 3]! && (on === 0 || (on === 1) === !workerThreads().isMainThread))
    throw new RangeError(`probe kernel failed at row ${i0}`);
  spin(arena, desc, i0, i1, slot, scratch);
};

export const probeKernels: Record<string, BlockKernel> = {
  'probe.moments': moments,
  'probe.empty': empty,
  'probe.spin': spin,
  'probe.throw': throwing,
};

/** Writes a probe descriptor (5 Int32 words) at i32 index `desc`. */
export function writeProbeDesc(
  arena: Arena,
  desc: number,
  x: number,
  d: number,
  reps = 1,
  throwFrom = 0,
  throwOn: 'any' | 'worker' | 'caller' = 'any',
): void {
  arena.i32.set([x, d, reps, throwFrom, ['any', 'worker', 'caller'].indexOf(throwOn)], desc);
}
