/**
 * The worker pool of the parallel E-step: `threads − 1` worker threads (worker.ts) plus the
 * calling thread run the blocks of a block job (fast/block-kernel.ts) over a shared arena. One
 * pool serves the whole process: workers start on first use, sleep in `Atomics.wait` between
 * jobs, are re-bound to each new arena memory by one message each, and are unref'd, so they
 * never keep the process alive. `run` is synchronous: the caller claims blocks itself, waits
 * (`Atomics.wait`, allowed on Node's main thread) for the blocks others claimed, then sums the
 * slots in block order — the same bits as `runBlocksSerial` whatever the thread count.
 *
 * Workers that are still starting simply claim nothing, so the first passes never wait for a
 * start-up. A kernel that throws on a worker surfaces here as an Error (the other blocks are
 * skipped). A worker that fails to start is reported (its 'error' event, seen between jobs) by
 * the next job, which then leaves the pool to be replaced. A worker that dies inside a block
 * (not an exception: the thread itself gone) would leave its block unfinished — kernels do not
 * exit threads.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { MessagePort, Worker } from 'node:worker_threads';
import {
  type Arena,
  BLOCK_ROWS,
  type BlockJob,
  type BlockKernel,
  blockCount,
  reduceSlots,
} from '../fast/block-kernel.js';
import {
  ACTIVE,
  type BindMessage,
  BLOCKS_RUN,
  CONTROL_WORDS,
  DONE,
  EPOCH,
  ERROR,
  type ErrorMessage,
  GEN,
  J_BLOCK_ROWS,
  J_BLOCKS,
  J_DESC,
  J_KERNEL,
  J_N,
  J_SCRATCH,
  J_SCRATCH_SIZE,
  J_SLOTS,
  J_STAT_SIZE,
  J_THREADS,
  LINE,
  MAX_THREADS,
  NEXT,
  READY,
  STOP,
  type WorkerStart,
} from './control.js';
import { kernelIndex } from './kernel-registry.js';
import { workerThreads } from './worker-threads.js';

interface PoolWorker {
  readonly worker: Worker;
  /** The caller's end of the worker's channel: bindings out, kernel errors in. */
  readonly port: MessagePort;
}

/**
 * How a worker is started: from `dist/` the worker is plain JS; from the sources (vitest, tsx)
 * it is a .ts file, which Node 20 cannot load by itself — and a worker started with
 * `--import tsx` does not get tsx's hooks on Node 20 either (its entry is resolved before the
 * hooks thread is registered). So a .ts worker starts from a small eval'd bootstrap that loads
 * the worker module through tsx's `tsImport` (tsx is a dev dependency: sources run only in
 * development). `name` is a module next to `here` (default: this pool's worker.ts).
 */
export function workerEntry(
  name = 'worker',
  here: string = import.meta.url,
): { readonly entry: string | URL; readonly eval: boolean } {
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) return { entry: new URL(`./${name}.js`, here), eval: false };
  const worker = new URL(`./${name}.ts`, here).href;
  // tsx's export map: `tsx/esm/api` imports ./dist/esm/api/index.mjs (require() would give the .cjs).
  const tsx = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(here).resolve('tsx/package.json'))).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(worker)}, ${JSON.stringify(here)}));`;
  return { entry: bootstrap, eval: true };
}

/**
 * The parent's Node flags minus those a worker refuses (`--input-type`, as in
 * `node --input-type=module -e …`, fails a worker's start); workers inherit the rest.
 */
export function workerExecArgv(): string[] {
  const args: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) args.push(arg);
  }
  return args;
}

export class WorkerPool {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private readonly workers: PoolWorker[] = [];
  private memory: WebAssembly.Memory | null = null;
  private epoch = 0;
  /** A worker that failed to start or exited (reported by its events, between jobs). */
  private failure: Error | undefined;
  private closed = false;

  /** Workers started so far. */
  get size(): number {
    return this.workers.length;
  }

  /** Workers that have loaded their kernels and take jobs. */
  get ready(): number {
    return Atomics.load(this.ctl, READY);
  }

  /** Starts workers until there are `count` (at most MAX_THREADS − 1). */
  grow(count: number): void {
    if (this.closed) throw new Error('the worker pool is closed');
    const entry = workerEntry();
    while (this.workers.length < Math.min(count, MAX_THREADS - 1)) {
      const { MessageChannel, Worker } = workerThreads();
      const { port1, port2 } = new MessageChannel();
      const start: WorkerStart = {
        control: this.ctl.buffer as SharedArrayBuffer,
        index: this.workers.length + 1,
        port: port2,
      };
      const worker = new Worker(entry.entry, {
        eval: entry.eval,
        execArgv: workerExecArgv(),
        workerData: start,
        transferList: [port2],
      });
      worker.unref();
      worker.on('error', (error) => {
        this.failure ??= new Error(`a worker of the parallel E-step failed: ${error.message}`, { cause: error });
      });
      worker.on('exit', (code) => {
        if (!this.closed) this.failure ??= new Error(`a worker of the parallel E-step exited (code ${code})`);
      });
      if (this.memory) port1.postMessage({ epoch: this.epoch, memory: this.memory } satisfies BindMessage);
      this.workers.push({ worker, port: port1 });
    }
  }

  /** Resolves once `count` workers (default: all started) take jobs; rejects if one failed. */
  async whenReady(count = this.workers.length, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.ready < count) {
      if (this.failure) throw this.failure;
      if (Date.now() > until)
        throw new Error(`worker pool: ${this.ready} of ${count} workers ready after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * Runs `kernel` over the blocks of `job` on `threads` threads (this one and threads − 1
   * workers) and sums the slots in block order into `job.total`. `job.kernel` must name
   * `kernel` in parallel/kernel-registry.ts (workers look it up there).
   */
  run(arena: Arena, kernel: BlockKernel, job: BlockJob, threads: number): void {
    const { ctl } = this;
    const id = kernelIndex(job.kernel);
    if (id < 0)
      throw new Error(`block kernel '${job.kernel}' is not in parallel/kernel-registry.ts: workers cannot run it`);
    if (this.failure) {
      // Reported once; the next parallel job starts a fresh pool.
      if (shared === this) shared = undefined;
      void this.close();
      throw this.failure;
    }
    const rows = job.blockRows ?? BLOCK_ROWS;
    const nBlocks = blockCount(job.n, rows);
    // No more threads than blocks: a thread past the last block would have nothing to claim
    // (and an executor may reserve scratch for min(threads, blocks) threads only).
    const t = Math.max(1, Math.min(Math.floor(threads), MAX_THREADS, nBlocks));
    this.grow(t - 1);
    this.settle();
    if (arena.memory !== this.memory) this.bind(arena.memory);
    ctl[J_THREADS] = t;
    ctl[J_KERNEL] = id;
    ctl[J_DESC] = job.desc;
    ctl[J_N] = job.n;
    ctl[J_BLOCK_ROWS] = rows;
    ctl[J_SLOTS] = job.slots;
    ctl[J_STAT_SIZE] = job.statSize;
    ctl[J_SCRATCH] = job.scratch;
    ctl[J_SCRATCH_SIZE] = job.scratchSize;
    ctl[J_BLOCKS] = nBlocks;
    for (let i = 0; i < t; i++) ctl[BLOCKS_RUN + LINE * i] = 0;
    Atomics.store(ctl, NEXT, 0);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, ERROR, 0);
    if ((Atomics.add(ctl, GEN, 1) & 1) !== 0) throw new Error('worker pool: a job was already open');
    Atomics.notify(ctl, GEN);

    // This thread's share: the same loop as a worker's, as thread 0.
    let own: unknown;
    const { f64 } = arena;
    for (;;) {
      const b = Atomics.add(ctl, NEXT, 1);
      if (b >= nBlocks) break;
      if (Atomics.load(ctl, ERROR) === 0) {
        try {
          const slot = job.slots + b * job.statSize;
          f64.fill(0, slot, slot + job.statSize);
          const i0 = b * rows;
          kernel(arena, job.desc, i0, Math.min(job.n, i0 + rows), slot, job.scratch);
          ctl[BLOCKS_RUN]!++;
        } catch (error) {
          if (Atomics.compareExchange(ctl, ERROR, 0, 1) === 0) own = error;
        }
      }
      Atomics.add(ctl, DONE, 1);
    }
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done >= nBlocks) break;
      Atomics.wait(ctl, DONE, done);
    }
    Atomics.add(ctl, GEN, 1);

    const failed = Atomics.load(ctl, ERROR);
    if (failed === 1) throw own;
    if (failed > 1) throw this.workerError(failed - 1, job.kernel);
    reduceSlots(f64, job.slots, nBlocks, job.statSize, job.total);
  }

  /** Blocks run by each thread (0 = the caller) in the last job. */
  blocksByThread(): number[] {
    return Array.from({ length: Math.max(1, this.ctl[J_THREADS]!) }, (_, t) => this.ctl[BLOCKS_RUN + LINE * t]!);
  }

  /** Lets the workers drop their views of `memory` (call when a fit ends; the pool stays). */
  release(memory: WebAssembly.Memory): void {
    if (this.memory !== memory || this.closed) return;
    this.settle();
    this.bind(null);
    Atomics.add(this.ctl, GEN, 2);
    Atomics.notify(this.ctl, GEN);
  }

  /** Stops and terminates the workers; the pool cannot run jobs afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.settle();
    this.closed = true;
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, GEN, 2);
    Atomics.notify(this.ctl, GEN);
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
    for (const { port } of this.workers) port.close();
    this.workers.length = 0;
    this.memory = null;
  }

  /** Waits until no worker is inside the previous job (they leave as soon as its blocks are claimed). */
  private settle(): void {
    for (;;) {
      const active = Atomics.load(this.ctl, ACTIVE);
      if (active === 0) return;
      Atomics.wait(this.ctl, ACTIVE, active);
    }
  }

  private bind(memory: WebAssembly.Memory | null): void {
    this.memory = memory;
    this.epoch++;
    for (const { port } of this.workers) port.postMessage({ epoch: this.epoch, memory } satisfies BindMessage);
    Atomics.store(this.ctl, EPOCH, this.epoch);
  }

  private workerError(index: number, kernel: string): Error {
    const received = this.workers[index - 1] && workerThreads().receiveMessageOnPort(this.workers[index - 1]!.port);
    const detail = received?.message as ErrorMessage | undefined;
    const where = detail && detail.block >= 0 ? ` on block ${detail.block}` : '';
    const error = new Error(
      `block kernel '${kernel}' failed on worker ${index}${where}: ${detail?.message ?? 'no details'}`,
    );
    if (detail?.stack) error.stack = `${error.message}\n  worker stack:\n${detail.stack}`;
    return error;
  }
}

let shared: WorkerPool | undefined;

/** The process-wide pool (started on first use). */
export function workerPool(): WorkerPool {
  if (!shared) shared = new WorkerPool();
  return shared;
}

/** The process-wide pool if one was started (and not closed). */
export function currentWorkerPool(): WorkerPool | undefined {
  return shared;
}

/** Terminates the process-wide pool's workers; the next parallel job starts a new pool. */
export async function closeWorkerPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
