/**
 * The table of block kernels by name (fast/block-kernel.ts): the main thread and the worker pool
 * look kernels up here, so a job crosses threads as a name and five numbers. Importing this file
 * has no side effects. Each kernel's descriptor, constants and slot layout are documented at the
 * top of its own file; WebAssembly versions register under other names with the same layouts.
 */
import type { BlockKernel } from './block-kernel.js';
import { bernoulliBlock, categoricalBlock, poissonBlock } from './count-kernels.js';
import { gaussianDiagBlock } from './gaussian-diag-kernel.js';
import { gaussianFullBlock } from './gaussian-full-kernel.js';
import { bernoulliWasmBlock, poissonWasmBlock } from './wasm/count-wasm.js';
import { gaussianDiagWasmBlock } from './wasm/gaussian-diag-wasm.js';
import { gaussianFullWasmBlock } from './wasm/gaussian-full-wasm.js';

export const blockKernels: Record<string, BlockKernel> = {
  'gaussian-full': gaussianFullBlock,
  'gaussian-diag': gaussianDiagBlock,
  poisson: poissonBlock,
  bernoulli: bernoulliBlock,
  categorical: categoricalBlock,
  'gaussian-full-wasm': gaussianFullWasmBlock,
  'gaussian-diag-wasm': gaussianDiagWasmBlock,
  'poisson-wasm': poissonWasmBlock,
  'bernoulli-wasm': bernoulliWasmBlock,
};
