/**
 * Every block kernel a worker can run, by name: the one table the calling thread and the
 * workers both import (a job crosses threads as the kernel's index in `kernelNames()`, sorted,
 * so both sides agree whatever the import order). A kernel that is not here cannot run on
 * workers (the pool says so); a new table joins with one import and one entry in `tables`.
 * The table is built on first use, so an import cycle through a kernel module cannot see it
 * half-made.
 */
import { chainBlockKernels } from '../chain/fast-kernels.js';
import type { BlockKernel } from '../fast/block-kernel.js';
import { blockKernels } from '../fast/kernels.js';
import { probeKernels } from './probe-kernels.js';

let table: Readonly<Record<string, BlockKernel>> | undefined;
let names: readonly string[] = [];
let indexOf = new Map<string, number>();

/** The kernels by name: the mixture kernels, the chain kernels, and the pool's probe kernels. */
export function kernelTable(): Readonly<Record<string, BlockKernel>> {
  if (table) return table;
  const tables: readonly Readonly<Record<string, BlockKernel>>[] = [blockKernels, chainBlockKernels, probeKernels];
  const merged: Record<string, BlockKernel> = {};
  for (const t of tables)
    for (const [name, kernel] of Object.entries(t)) {
      if (name in merged) throw new Error(`block kernel '${name}' is registered twice`);
      merged[name] = kernel;
    }
  names = Object.keys(merged).sort();
  indexOf = new Map(names.map((name, i) => [name, i]));
  table = merged;
  return table;
}

/** The kernel names in index order. */
export function kernelNames(): readonly string[] {
  kernelTable();
  return names;
}

/** The index of a kernel in `kernelNames()`, or −1. */
export function kernelIndex(name: string): number {
  kernelTable();
  return indexOf.get(name) ?? -1;
}
