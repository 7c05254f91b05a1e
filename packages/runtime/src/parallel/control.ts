/**
 * The control words of the worker pool: one small SharedArrayBuffer of Int32 words that the
 * calling thread and every worker see. It holds the job protocol (generation, claim and done
 * counters, error flag), the fields of the current block job (fast/block-kernel.ts `BlockJob`,
 * as Int32 words) and per-thread diagnostics. Both sides import these indices, so the layout is
 * written once.
 *
 * The protocol (pool.ts runs the calling side, worker.ts the workers):
 * - `GEN` is odd while a job is open and even between jobs. The caller writes the job fields,
 *   zeroes the counters, then makes GEN odd and notifies; a worker that wakes with GEN odd
 *   enters the job by incrementing `ACTIVE` and re-reading GEN (a Dekker handshake: the caller
 *   makes GEN even, then waits for ACTIVE = 0 before it touches the fields again, so a worker
 *   that got in sees one job's fields whole, and one that did not never starts).
 * - Blocks are claimed with `Atomics.add(NEXT, 1)`; each finished (or skipped) block adds one
 *   to `DONE`; the thread that brings DONE to the block count notifies the caller.
 * - `ERROR` is 0, or 1 + the index of the thread whose kernel threw first; once set, claimed
 *   blocks are skipped (but still counted done), and a worker's error details go to the caller
 *   over its MessagePort (read synchronously with `receiveMessageOnPort`).
 * - `EPOCH` names the arena memory the job runs on; a worker whose memory is older reads the
 *   binding messages from its port (the caller posts them before it bumps EPOCH).
 */

/** Generation: odd while a job is open. */
export const GEN = 0;
/** Workers inside the current job. */
export const ACTIVE = 16;
/** The next block to claim. */
export const NEXT = 32;
/** Blocks finished (or skipped after an error). */
export const DONE = 48;
/** 0, or 1 + the thread index whose kernel threw first. */
export const ERROR = 64;
/** Non-zero: workers leave their loop. */
export const STOP = 80;
/** Workers that have loaded their kernels and wait for jobs. */
export const READY = 81;
/** The memory binding the current job runs on. */
export const EPOCH = 82;

// The fields of the open job.
/** Threads taking part (the caller is thread 0; worker w is thread w + 1). */
export const J_THREADS = 96;
/** Index of the kernel in kernel-registry.ts `kernelNames`. */
export const J_KERNEL = 97;
export const J_DESC = 98;
export const J_N = 99;
export const J_BLOCK_ROWS = 100;
export const J_SLOTS = 101;
export const J_STAT_SIZE = 102;
export const J_SCRATCH = 103;
export const J_SCRATCH_SIZE = 104;
export const J_BLOCKS = 105;

/**
 * Blocks run by thread t in the last job: word BLOCKS_RUN + LINE·t (diagnostics; written by
 * thread t only, each on its own cache line).
 */
export const BLOCKS_RUN = 128;
/** The most threads a pool can run (the caller and 255 workers). */
export const MAX_THREADS = 256;

/**
 * Int32 words per 64-byte cache line. The words every thread writes (ACTIVE, NEXT, DONE) and the
 * per-thread counters each sit on their own line, so claiming a block does not bounce the line
 * holding the generation or the job fields between cores.
 */
export const LINE = 16;

export const CONTROL_WORDS = BLOCKS_RUN + LINE * MAX_THREADS;

/** A worker's start-up data (`workerData`). */
export interface WorkerStart {
  readonly control: SharedArrayBuffer;
  /** This worker's thread index (≥ 1). */
  readonly index: number;
  readonly port: import('node:worker_threads').MessagePort;
}

/** Caller → worker over the port: the memory to run on from `epoch` on (null: drop it). */
export interface BindMessage {
  readonly epoch: number;
  readonly memory: WebAssembly.Memory | null;
}

/** Worker → caller over the port: what the kernel threw. */
export interface ErrorMessage {
  readonly message: string;
  readonly stack?: string;
  readonly block: number;
}
