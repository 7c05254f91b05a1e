/**
 * How many threads an E-step pass should use: the default (every core, `--threads` absent),
 * and the drop to one thread when a pass is too small for the pool to pay. A pass on workers
 * costs a wake-up and a wait (test/bench/parallel-blocks.ts: about 15 µs per pass over serial
 * with the built runtime, on a loaded 2-core machine), and the first parallel pass starts the
 * workers: about 15 ms per worker on the calling thread, then a few hundred ms of loading off
 * it (passes meanwhile run on the threads that are ready). One thread or many give the same
 * bits, so this only decides speed.
 */
import { availableParallelism } from 'node:os';
import { BLOCK_ROWS } from '../fast/block-kernel.js';

/** The default thread count: every core. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Work of one pass (rows × operations per row, an operation being about one multiply-add; count
 * an `exp` or a `log` as 10) below which a pass runs on one thread: about 1 ms of work.
 */
export const PARALLEL_MIN_WORK = 1_000_000;

/**
 * The threads for passes over `rows` rows of about `workPerRow` operations each: `requested`
 * (default every core), but 1 when the pass is small (less than PARALLEL_MIN_WORK, or fewer than
 * two blocks), and never more than the blocks.
 */
export function passThreads(requested: number | undefined, rows: number, workPerRow: number): number {
  const threads = Math.max(1, Math.floor(requested ?? defaultThreads()));
  const blocks = Math.ceil(rows / BLOCK_ROWS);
  if (threads === 1 || blocks < 2 || rows * workPerRow < PARALLEL_MIN_WORK) return 1;
  return Math.min(threads, blocks);
}

/** Checks a user-given thread count: a positive integer (the message says what is wrong). */
export function threadsProblem(threads: unknown): string | undefined {
  return typeof threads === 'number' && Number.isSafeInteger(threads) && threads >= 1
    ? undefined
    : `threads must be a positive integer, not ${JSON.stringify(threads)}`;
}
