/**
 * The parallel block runner (src/parallel/): the same bits for 1, 2, 3 and 4 threads on a few
 * hundred thousand rows (sums, sums of squares and a per-row log-sum-exp, checked against a
 * plain loop), workers really taking blocks, a kernel that throws on a worker or on the calling
 * thread surfacing as an Error without a hang (and the pool running again afterwards), a new
 * arena memory re-binding the workers (and a released one dropped), and the pool closed and
 * reopened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Arena, ArenaLayout, type BlockJob, blockCount, makeArena } from '../../src/fast/block-kernel.js';
import { closeWorkerPool, workerPool } from '../../src/parallel/pool.js';
import { probeKernels, writeProbeDesc } from '../../src/parallel/probe-kernels.js';
import { releaseArena, runBlocks } from '../../src/parallel/run-blocks.js';

const N = 300_000;
const D = 3;
const MAX_THREADS = 4;

interface Setup {
  arena: Arena;
  job: BlockJob;
  x: number;
}

/** An arena with N × D values from a fixed LCG, a probe descriptor and slots for `kernel`. */
function setup(
  kernel: string,
  statSize: number,
  n = N,
  reps = 1,
  throwFrom = 0,
  throwOn: 'any' | 'worker' | 'caller' = 'any',
): Setup {
  const layout = new ArenaLayout();
  const x = layout.f64s(n * D);
  const desc = layout.i32s(5);
  const slots = layout.f64s(blockCount(n) * statSize);
  const total = layout.f64s(statSize);
  const scratch = layout.f64s(MAX_THREADS * D);
  const arena = makeArena(layout.bytes);
  let s = 12345;
  for (let i = 0; i < n * D; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    arena.f64[x + i] = (s / 2 ** 32) * 20 - 10 + (i % 7) * 1e-3;
  }
  writeProbeDesc(arena, desc, x, D, reps, throwFrom, throwOn);
  return { arena, x, job: { kernel, desc, n, slots, statSize, total, scratch, scratchSize: D } };
}

const totals = ({ arena, job }: Setup) => Array.from(arena.f64.subarray(job.total, job.total + job.statSize));

beforeAll(async () => {
  const pool = workerPool();
  pool.grow(MAX_THREADS - 1);
  await pool.whenReady();
}, 60_000);

afterAll(async () => {
  await closeWorkerPool();
});

describe('runBlocks', () => {
  it('gives the same bits for 1, 2, 3 and 4 threads, and the plain-loop values', () => {
    const s = setup('probe.moments', 2 * D + 1);
    runBlocks(s.arena, probeKernels['probe.moments']!, s.job, 1);
    const serial = totals(s);
    for (let t = 2; t <= MAX_THREADS; t++) {
      for (let pass = 0; pass < 3; pass++) {
        s.arena.f64.fill(Number.NaN, s.job.total, s.job.total + s.job.statSize);
        runBlocks(s.arena, probeKernels['probe.moments']!, s.job, t);
        expect(totals(s)).toEqual(serial);
      }
    }
    // An independent plain loop (one running sum over all rows): equal to rounding.
    const ref = new Float64Array(2 * D + 1);
    const f = s.arena.f64;
    for (let i = 0; i < N; i++) {
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < D; j++) {
        const v = f[s.x + i * D + j]!;
        ref[j]! += v;
        ref[D + j]! += v * v;
        m = Math.max(m, v);
      }
      let e = 0;
      for (let j = 0; j < D; j++) e += Math.exp(f[s.x + i * D + j]! - m);
      ref[2 * D]! += Math.log(e) + m;
    }
    serial.forEach((v, j) => {
      expect(Math.abs(v - ref[j]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref[j]!)));
    });
  });

  it('shares the blocks out between the threads', () => {
    const s = setup('probe.spin', 1, 64 * 2048, 20);
    const pool = workerPool();
    runBlocks(s.arena, probeKernels['probe.spin']!, s.job, 1);
    const serial = totals(s);
    runBlocks(s.arena, probeKernels['probe.spin']!, s.job, 2);
    expect(totals(s)).toEqual(serial);
    const byThread = pool.blocksByThread();
    expect(byThread).toHaveLength(2);
    expect(byThread[0]! + byThread[1]!).toBe(64);
    expect(byThread[1]).toBeGreaterThan(0);
  });

  it('surfaces a kernel that throws on a worker as an Error and keeps working', () => {
    const bad = setup('probe.throw', 1, 64 * 2048, 20, 0, 'worker');
    expect(() => runBlocks(bad.arena, probeKernels['probe.throw']!, bad.job, 3)).toThrow(
      /block kernel 'probe\.throw' failed on worker [12] on block \d+: RangeError: probe kernel failed at row \d+/,
    );
    const good = setup('probe.moments', 2 * D + 1, 20_000);
    runBlocks(good.arena, probeKernels['probe.moments']!, good.job, 1);
    const serial = totals(good);
    runBlocks(good.arena, probeKernels['probe.moments']!, good.job, 3);
    expect(totals(good)).toEqual(serial);
  });

  it('surfaces a kernel that throws on the calling thread as that Error', () => {
    // Every block throws on the calling thread, which always claims some of 64 slow blocks.
    const bad = setup('probe.throw', 1, 64 * 2048, 20, 0, 'caller');
    expect(() => runBlocks(bad.arena, probeKernels['probe.throw']!, bad.job, 2)).toThrow(RangeError);
    runBlocks(bad.arena, probeKernels['probe.spin']!, { ...bad.job, kernel: 'probe.spin' }, 2);
  });

  it('refuses a kernel that is not in the registry', () => {
    const s = setup('probe.moments', 2 * D + 1, 10_000);
    expect(() => runBlocks(s.arena, probeKernels['probe.moments']!, { ...s.job, kernel: 'nope' }, 2)).toThrow(
      /'nope' is not in parallel\/kernel-registry\.ts/,
    );
  });

  it('re-binds the workers to a new arena, and closes and reopens', async () => {
    const check = (n: number) => {
      const s = setup('probe.moments', 2 * D + 1, n);
      runBlocks(s.arena, probeKernels['probe.moments']!, s.job, 1);
      const serial = totals(s);
      runBlocks(s.arena, probeKernels['probe.moments']!, s.job, 3);
      expect(totals(s)).toEqual(serial);
      expect(
        workerPool()
          .blocksByThread()
          .reduce((a, b) => a + b, 0),
      ).toBe(blockCount(n));
      return s;
    };
    const first = check(50_000);
    check(70_000);
    releaseArena(first.arena); // not the bound arena: nothing to do
    const last = check(40_000);
    releaseArena(last.arena); // the workers drop it; the next job binds again
    check(30_000);
    await closeWorkerPool();
    const pool = workerPool();
    expect(pool.size).toBe(0);
    pool.grow(2);
    await pool.whenReady();
    check(60_000);
    expect(pool.size).toBe(2);
  });
});
