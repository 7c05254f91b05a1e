/**
 * The contract of the specialised ("fast") E-steps: a block kernel reads rows [i0, i1) of the
 * data and adds that block's sufficient statistics to its own stats slot, all inside one
 * `Arena` (a shared WebAssembly memory, so the same bytes are visible to worker threads and to
 * WebAssembly kernels). Blocks have a fixed size whatever the number of threads, each block
 * writes only its own slot, and the slots are summed in block order afterwards — so the result
 * has the same bits with 1 thread or many (the thread count only decides who runs which block).
 *
 * A kernel is named (`BlockKernelName`) and looked up in a table that the main thread and the
 * workers both import; what it works on is described by a descriptor in the arena (Int32 words:
 * offsets and sizes), so a kernel call is five numbers and crosses threads as such.
 */
import './webassembly.js';

/** One shared memory and its views; offsets in kernels are f64 indices into `f64` unless said otherwise. */
export interface Arena {
  readonly memory: WebAssembly.Memory;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
}

/**
 * A block kernel: adds the statistics of rows [i0, i1) to the slot at f64 index `slot` (which the
 * caller zeroed); `desc` is the Int32 index of its descriptor, `scratch` the f64 index of a
 * per-thread scratch area of the size the kernel's preparation asked for.
 */
export type BlockKernel = (arena: Arena, desc: number, i0: number, i1: number, slot: number, scratch: number) => void;

/** Allocates a shared arena of `bytes` (rounded up to whole 64 KiB pages; never grows). */
export function makeArena(bytes: number): Arena {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return views(memory);
}

/** The views of an existing arena memory (a worker's side). */
export function views(memory: WebAssembly.Memory): Arena {
  const buffer = memory.buffer as SharedArrayBuffer;
  return { memory, f64: new Float64Array(buffer), i32: new Int32Array(buffer) };
}

/**
 * A bump allocator over an arena's layout: reserve regions first (`f64s`, `i32s`), then make the
 * arena with `bytes`. Regions are 64-byte aligned (a cache line; also 16-byte SIMD alignment).
 */
export class ArenaLayout {
  private top = 0;

  /** Reserves `count` f64s; returns their f64 index. */
  f64s(count: number): number {
    const start = this.align();
    this.top = start + 8 * Math.max(count, 1);
    return start / 8;
  }

  /** Reserves `count` i32s; returns their i32 index. */
  i32s(count: number): number {
    const start = this.align();
    this.top = start + 4 * Math.max(count, 1);
    return start / 4;
  }

  get bytes(): number {
    return this.align();
  }

  private align(): number {
    return Math.ceil(this.top / 64) * 64;
  }
}

/** Rows per block: fixed, so the reduction order does not depend on the thread count. */
export const BLOCK_ROWS = 2048;

/** The blocks of n rows: ⌈n / BLOCK_ROWS⌉. */
export const blockCount = (n: number, rows = BLOCK_ROWS): number => Math.max(1, Math.ceil(n / rows));

/**
 * Runs `kernel` over every block on this thread: zeroes slot b, runs rows [b·rows, …) into it,
 * then sums the slots in block order into `total` (f64 index, `statSize` entries, overwritten).
 * The parallel runner (parallel/) does the same with the blocks shared out between threads and
 * must give the same bits.
 */
export function runBlocksSerial(arena: Arena, kernel: BlockKernel, job: BlockJob): void {
  const { f64 } = arena;
  const nBlocks = blockCount(job.n, job.blockRows);
  for (let b = 0; b < nBlocks; b++) {
    const slot = job.slots + b * job.statSize;
    f64.fill(0, slot, slot + job.statSize);
    const i0 = b * (job.blockRows ?? BLOCK_ROWS);
    kernel(arena, job.desc, i0, Math.min(job.n, i0 + (job.blockRows ?? BLOCK_ROWS)), slot, job.scratch);
  }
  reduceSlots(f64, job.slots, nBlocks, job.statSize, job.total);
}

/** What one E-step pass runs: a kernel over n rows in blocks, stats slots, their sum. */
export interface BlockJob {
  /** The kernel's name in the kernel table (the parallel runner sends names, not functions). */
  readonly kernel: string;
  readonly desc: number;
  readonly n: number;
  /** Rows per block (default BLOCK_ROWS). */
  readonly blockRows?: number;
  /** f64 index of the first slot; slot b starts at slots + b·statSize. */
  readonly slots: number;
  readonly statSize: number;
  /** f64 index of the summed statistics (statSize entries). */
  readonly total: number;
  /**
   * f64 index of the scratch areas: thread t (0 = the calling thread) uses
   * scratch + t·scratchSize, so the layout reserves threads × scratchSize.
   */
  readonly scratch: number;
  readonly scratchSize: number;
}

/** total = Σ_b slot_b, in block order (a fixed order: the bits do not depend on who ran what). */
export function reduceSlots(f64: Float64Array, slots: number, nBlocks: number, statSize: number, total: number): void {
  f64.fill(0, total, total + statSize);
  for (let b = 0; b < nBlocks; b++) {
    const s = slots + b * statSize;
    for (let j = 0; j < statSize; j++) f64[total + j]! += f64[s + j]!;
  }
}
