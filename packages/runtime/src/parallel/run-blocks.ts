/**
 * Runs a block job (fast/block-kernel.ts) on `threads` threads: serially on this thread for
 * one thread or a single block, else on the process-wide worker pool (pool.ts). Either way the
 * slots are summed in block order, so the result has the same bits for every thread count.
 * `releaseArena` at the end of a fit lets the workers drop the fit's memory.
 */
import { type Arena, type BlockJob, type BlockKernel, blockCount, runBlocksSerial } from '../fast/block-kernel.js';
import { currentWorkerPool, workerPool } from './pool.js';

export function runBlocks(arena: Arena, kernel: BlockKernel, job: BlockJob, threads = 1): void {
  if (threads <= 1 || blockCount(job.n, job.blockRows) < 2) runBlocksSerial(arena, kernel, job);
  else workerPool().run(arena, kernel, job, threads);
}

/** The workers forget `arena` (they keep running for the next fit, unref'd). */
export function releaseArena(arena: Arena): void {
  currentWorkerPool()?.release(arena.memory);
}
