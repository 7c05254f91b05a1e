/**
 * Runs a block job (fast/block-kernel.ts) on `threads` threads. PLACEHOLDER until the worker
 * pool lands: every thread count runs the blocks serially on this thread (same bits).
 */
import { type Arena, type BlockJob, type BlockKernel, runBlocksSerial } from '../fast/block-kernel.js';

export function runBlocks(arena: Arena, kernel: BlockKernel, job: BlockJob, _threads = 1): void {
  runBlocksSerial(arena, kernel, job);
}
