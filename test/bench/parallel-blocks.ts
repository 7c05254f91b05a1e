/**
 * Benchmark (not part of the test suite): the worker pool of the parallel E-step
 * (packages/runtime/src/parallel/). Measures, per pass (one `runBlocks` over every block):
 * - the speedup of 2 threads over 1 on a compute-bound probe kernel (`probe.spin`) sized to about
 *   10 ms of work per pass, and on a memory-bound one (`probe.moments`: sums, squares and a
 *   log-sum-exp over 1,000,000 × 10 values);
 * - the pool's own cost per pass (`probe.empty`, 64 blocks);
 * - the break-even: passes of shrinking work, 1 thread against 2.
 * Each figure is the median over several repeats of the median pass time, 1 and N threads
 * interleaved so that both see the same load; the machine's load average is printed, as the
 * machine is shared. Also checks that 1 and N threads give the same bits. `--dist` runs the
 * built runtime (packages/runtime/dist: plain-JS workers) instead of the sources (workers
 * through tsx), so both worker entries are exercised. The moments kernel's 21 statistics get
 * slots of 24 (whole 64-byte cache lines): a kernel that accumulates into its slot row by row
 * must not share a cache line with the next block's slot, which another thread writes.
 *
 *   pnpm exec tsx test/bench/parallel-blocks.ts [--dist] [--threads 2]
 */
import { availableParallelism, loadavg } from 'node:os';

const dist = process.argv.includes('--dist');
const threadsArg = process.argv.indexOf('--threads');
const THREADS = threadsArg > 0 ? Number(process.argv[threadsArg + 1]) : 2;
const root = dist ? '../../packages/runtime/dist' : '../../packages/runtime/src';
const ext = dist ? 'js' : 'ts';

type BlockKernelModule = typeof import('../../packages/runtime/src/fast/block-kernel.js');
type PoolModule = typeof import('../../packages/runtime/src/parallel/pool.js');
type RunModule = typeof import('../../packages/runtime/src/parallel/run-blocks.js');
type ProbeModule = typeof import('../../packages/runtime/src/parallel/probe-kernels.js');

const load = async <T>(path: string): Promise<T> =>
  (await import(new URL(`${root}/${path}.${ext}`, import.meta.url).href)) as T;
const bk = await load<BlockKernelModule>('fast/block-kernel');
const { workerPool, closeWorkerPool } = await load<PoolModule>('parallel/pool');
const { runBlocks } = await load<RunModule>('parallel/run-blocks');
const { probeKernels, writeProbeDesc } = await load<ProbeModule>('parallel/probe-kernels');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function setup(kernel: string, n: number, d: number, statSize: number, reps = 1) {
  const layout = new bk.ArenaLayout();
  const x = layout.f64s(n * d);
  const desc = layout.i32s(5);
  const slots = layout.f64s(bk.blockCount(n) * statSize);
  const total = layout.f64s(statSize);
  const scratch = layout.f64s(THREADS * d);
  const arena = bk.makeArena(layout.bytes);
  for (let i = 0; i < n * d; i++) arena.f64[x + i] = Math.sin(i * 0.618) * 5;
  writeProbeDesc(arena, desc, x, d, reps);
  const job = { kernel, desc, n, slots, statSize, total, scratch, scratchSize: d };
  return { arena, job, fn: probeKernels[kernel]! };
}

type Setup = ReturnType<typeof setup>;

/** The median ms per pass over `passes` passes. */
function time(s: Setup, threads: number, passes: number): number {
  const t: number[] = [];
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    runBlocks(s.arena, s.fn, s.job, threads);
    t.push(performance.now() - t0);
  }
  return median(t);
}

const bits = (s: Setup) => Array.from(s.arena.f64.subarray(s.job.total, s.job.total + s.job.statSize));

const pool = workerPool();
const t0 = performance.now();
pool.grow(THREADS - 1);
await pool.whenReady();
console.log(
  `emforge parallel-blocks benchmark (${dist ? 'dist, JS workers' : 'sources, workers via tsx'}); ` +
    `${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${THREADS - 1} worker(s) ready in ${(performance.now() - t0).toFixed(0)} ms`,
);

// Calibrate probe.spin to ~10 ms per serial pass over 64 blocks (after warming the kernel up).
const n = 64 * bk.BLOCK_ROWS;
const probe = setup('probe.spin', n, 1, 1, 16);
time(probe, 1, 10);
const reps = Math.max(1, Math.round((16 * 10) / time(probe, 1, 9)));

// CPU/wall: the process's CPU time over wall time during the N-thread passes (about N when
// every thread had a core to itself; near 1 when the other cores were busy with other work).
// Workers' share: the blocks the workers ran (last pass of each repeat).
const rows: string[][] = [
  [
    'workload',
    'blocks',
    '1 thread ms/pass',
    `${THREADS} threads ms/pass`,
    'speedup',
    'CPU/wall',
    "workers' share",
    'same bits',
  ],
];

/** 1 thread against THREADS, interleaved (both see the same load): medians over the repeats. */
function compare(label: string, s: Setup, passes: number, repeats = 5) {
  time(s, THREADS, 2); // warm both paths
  time(s, 1, 2);
  const ones: number[] = [];
  const manys: number[] = [];
  let same = true;
  let cpu = 0;
  let wall = 0;
  let others = 0;
  for (let r = 0; r < repeats; r++) {
    ones.push(time(s, 1, passes));
    const b1 = JSON.stringify(bits(s));
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    manys.push(time(s, THREADS, passes));
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    wall += performance.now() - w0;
    const byThread = pool.blocksByThread();
    others += 1 - byThread[0]! / byThread.reduce((a, b) => a + b, 0);
    same &&= JSON.stringify(bits(s)) === b1;
  }
  const one = median(ones);
  const many = median(manys);
  const blocks = bk.blockCount(s.job.n);
  rows.push([
    label,
    String(blocks),
    one.toFixed(3),
    many.toFixed(3),
    (one / many).toFixed(2),
    (cpu / wall).toFixed(2),
    `${((100 * others) / repeats).toFixed(0)}%`,
    same ? 'yes' : 'NO',
  ]);
  return { one, many };
}

compare(`probe.spin ~10 ms (n=${n}, reps=${reps})`, setup('probe.spin', n, 1, 1, reps), 20);
compare('probe.moments n=1e6 d=10', setup('probe.moments', 1_000_000, 10, 24), 5, 3);
const empty = compare('probe.empty (pool cost)', setup('probe.empty', n, 1, 1), 200);
// Break-even: probe.moments (d = 10) on fewer and fewer rows.
for (const blocks of [2, 4, 8, 16, 32])
  compare(`probe.moments d=10`, setup('probe.moments', blocks * bk.BLOCK_ROWS, 10, 24), 50);

const width = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
for (const r of rows) console.log(r.map((c, j) => c.padEnd(width[j]!)).join('  '));
console.log(
  `pool cost per pass (empty kernel, 64 blocks): ${((empty.many - empty.one) * 1000).toFixed(1)} µs over serial`,
);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await closeWorkerPool();
