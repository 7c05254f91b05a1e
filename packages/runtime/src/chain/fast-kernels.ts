/**
 * The chain's block kernels by name, for the block runner: the main thread and the worker pool
 * both import this table, and a job names its kernel (`BlockJob.kernel`) rather than passing it.
 */
import type { BlockKernel } from '../fast/block-kernel.js';
import { categoricalChainBlock, gaussianChainBlock } from './fast-chain-blocks.js';

export const chainBlockKernels: Record<string, BlockKernel> = {
  'chain-gaussian': gaussianChainBlock,
  'chain-categorical': categoricalChainBlock,
};
