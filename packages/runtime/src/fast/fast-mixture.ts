/**
 * A fast spec (specialise.ts) bound to one arena: the data (in place when it already lives in a
 * shared memory, see shared-rows.ts; else copied once), the descriptor, the per-component
 * constants, one stats slot per block, the summed statistics, per-thread scratch and a block of
 * responsibilities (for initialisation and the posteriors pass). `writeConstants` turns param
 * values into the constants the kernels read (log weights, precision Cholesky factors, log
 * rates, …); `runPass` is one E-step over every block.
 */
import { lgamma } from '../math/special.js';
import { runBlocks } from '../parallel/run-blocks.js';
import {
  type Arena,
  ArenaLayout,
  BLOCK_ROWS,
  type BlockJob,
  type BlockKernel,
  blockCount,
  makeArena,
  views,
} from './block-kernel.js';
import { blockKernels } from './kernels.js';
import { homeOf } from './shared-rows.js';
import { type FastSpec, kernelOf } from './specialise.js';
import { countWasmScratch } from './wasm/count-wasm.js';
import { gaussianDiagWasmScratch } from './wasm/gaussian-diag-wasm.js';
import { gaussianFullWasmScratch } from './wasm/gaussian-full-wasm.js';

const LOG_2PI = Math.log(2 * Math.PI);

export interface FastMixture {
  readonly spec: FastSpec;
  readonly arena: Arena;
  readonly kernel: BlockKernel;
  readonly job: BlockJob;
  readonly threads: number;
  /** f64 index of the per-component constants and their stride. */
  readonly consts: number;
  readonly constStride: number;
  /** Statistics per component after the slot's 2 + K header. */
  readonly statStride: number;
  /** f64 index of BLOCK_ROWS × K responsibilities (given ones, or the posteriors pass's). */
  readonly respBlock: number;
  /** Poisson: −Σ_ij log x_ij!, the constant the kernel leaves out of the log-likelihood. */
  readonly logLikConstant: number;
}

/** Per-component constants and statistics, by kernel: [constant stride, stat stride] for d, c. */
function strides(spec: FastSpec): [number, number] {
  const { d, c } = spec;
  switch (kernelOf[spec.family]) {
    case 'gaussian-full':
      return [1 + d + d * d, d + (d * (d + 1)) / 2];
    case 'gaussian-diag':
      return [1 + 2 * d, 2 * d];
    case 'poisson':
      return [1 + d, d];
    case 'bernoulli':
      return [1 + 2 * d, d];
    default:
      return [1 + c, c];
  }
}

const roundUp8 = (n: number) => Math.ceil(n / 8) * 8;

/** The WebAssembly kernels (fast/wasm/) and their scratch sizes, by name. */
const wasmScratch: Readonly<Record<string, (d: number, k: number) => number>> = {
  'gaussian-full-wasm': gaussianFullWasmScratch,
  'gaussian-diag-wasm': gaussianDiagWasmScratch,
  'poisson-wasm': countWasmScratch,
  'bernoulli-wasm': countWasmScratch,
};

/**
 * The kernel for `spec`: the WebAssembly version of the Gaussian, Poisson and Bernoulli kernels
 * (the same layouts and results to a few ulps, several times faster), unless EMFORGE_NO_WASM=1
 * asks for the JavaScript ones (to compare them).
 */
function kernelName(spec: FastSpec): string {
  const name = kernelOf[spec.family];
  const wasm = `${name}-wasm`;
  return wasm in wasmScratch && process.env.EMFORGE_NO_WASM !== '1' ? wasm : name;
}

/** Lays out and fills the arena for `spec`; `threads` scratch areas. */
export function prepareFast(spec: FastSpec, threads: number): FastMixture {
  const { n, d, k } = spec;
  const [constStride, statStride] = strides(spec);
  // Slots and scratch areas in whole cache lines (8 f64s), so threads do not share lines.
  const statSize = roundUp8(2 + k + k * statStride);
  const nBlocks = blockCount(n);
  const name = kernelName(spec);
  const scratchSize = roundUp8(Math.max(k + k * d, wasmScratch[name]?.(d, k) ?? 0));
  const home = homeOf(spec.x);
  const layout = new ArenaLayout();
  // Data first: at f64 index 0, where shared-rows.ts puts rows it owns.
  const X = layout.f64s(n * d);
  const desc = layout.i32s(8);
  const consts = layout.f64s(k * constStride);
  const slots = layout.f64s(nBlocks * statSize);
  const total = layout.f64s(statSize);
  const scratch = layout.f64s(threads * scratchSize);
  const respBlock = layout.f64s(BLOCK_ROWS * k);
  let arena: Arena;
  if (home) {
    const missing = layout.bytes - home.buffer.byteLength;
    if (missing > 0) home.grow(Math.ceil(missing / 65536));
    arena = views(home);
  } else {
    arena = makeArena(layout.bytes);
    arena.f64.set(spec.x, X);
  }
  const { i32 } = arena;
  i32[desc] = X;
  i32[desc + 1] = n;
  i32[desc + 2] = d;
  i32[desc + 3] = k;
  i32[desc + 4] = consts;
  i32[desc + 5] = -1;
  i32[desc + 6] = 0;
  i32[desc + 7] = spec.c;
  const kernel = blockKernels[name]!;
  const logLikConstant = spec.family === 'poisson' ? -sumLogFactorials(spec.x, n * d) : 0;
  const job: BlockJob = { kernel: name, desc, n, slots, statSize, total, scratch, scratchSize };
  return { spec, arena, kernel, job, threads, consts, constStride, statStride, respBlock, logLikConstant };
}

/** Counts below this have log x! from a table filled on first use (counts are mostly small). */
const FACTORIAL_TABLE = 4096;
let logFactorialTable: Float64Array | undefined;

/**
 * Σ_i log Γ(x_i + 1) over the first `m` entries, in index order: the same lgamma values and the
 * same summation as a plain loop (so the same bits), with small integer counts looked up.
 */
function sumLogFactorials(x: Float64Array, m: number): number {
  if (!logFactorialTable) {
    logFactorialTable = new Float64Array(FACTORIAL_TABLE);
    for (let v = 0; v < FACTORIAL_TABLE; v++) logFactorialTable[v] = lgamma(v + 1);
  }
  const table = logFactorialTable;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const v = x[i]!;
    sum += v >= 0 && v < FACTORIAL_TABLE && v === Math.floor(v) ? table[v]! : lgamma(v + 1);
  }
  return sum;
}

/**
 * Lower Cholesky factor of the d × d matrix at a[at …] into l (row-major); false when not
 * positive definite.
 */
function cholesky(a: Float64Array, at: number, l: Float64Array, d: number): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[at + i * d + j]!;
      for (let m = 0; m < j; m++) s -= l[i * d + m]! * l[j * d + m]!;
      if (i === j) {
        if (!(s > 0)) return false;
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  return true;
}

/**
 * U = L⁻ᵀ (upper triangular, Σ⁻¹ = U Uᵀ) written at f64[u …] row-major; returns Σ_j log U[j, j].
 * Column j of L⁻¹ by forward substitution: M = L⁻¹, U[m, j] = M[j, m].
 */
function precisionFactor(l: Float64Array, d: number, f64: Float64Array, u: number): number {
  let logDiag = 0;
  f64.fill(0, u, u + d * d);
  for (let m = 0; m < d; m++) {
    // Solve L y = e_m: y_j = M[j, m], zero for j < m.
    for (let j = m; j < d; j++) {
      let s = j === m ? 1 : 0;
      for (let q = m; q < j; q++) s -= l[j * d + q]! * f64[u + m * d + q]!;
      f64[u + m * d + j] = s / l[j * d + j]!;
    }
    logDiag += Math.log(f64[u + m * d + m]!);
  }
  return logDiag;
}

/** The Cholesky factor's scratch, reused by every call (writeConstants runs every iteration). */
let cholScratch = new Float64Array(0);

/** Writes the kernels' constants for these param values (see each kernel's header). */
export function writeConstants(fm: FastMixture, values: Readonly<Record<string, Float64Array>>): void {
  const { spec, consts, constStride } = fm;
  const { f64 } = fm.arena;
  const { d, k } = spec;
  const w = values[spec.weights.name]!;
  const loc = values[spec.location.name]!;
  const scale = spec.scale ? values[spec.scale.name]! : undefined;
  if (cholScratch.length < d * d) cholScratch = new Float64Array(d * d);
  const chol = cholScratch;
  for (let c = 0; c < k; c++) {
    const p = consts + c * constStride;
    const logW = Math.log(w[c]!);
    switch (spec.family) {
      case 'gaussian-full':
      case 'gaussian-tied': {
        for (let j = 0; j < d; j++) f64[p + 1 + j] = loc[c * d + j]!;
        const e = spec.family === 'gaussian-tied' ? 0 : c;
        const ok = cholesky(scale!, e * d * d, chol, d);
        const logDiag = ok ? precisionFactor(chol, d, f64, p + 1 + d) : Number.NaN;
        f64[p] = ok ? logW + logDiag - 0.5 * d * LOG_2PI : Number.NEGATIVE_INFINITY;
        break;
      }
      case 'gaussian-diag':
      case 'gaussian-spherical': {
        for (let j = 0; j < d; j++) f64[p + 1 + j] = loc[c * d + j]!;
        let logS = 0;
        for (let j = 0; j < d; j++) {
          const s = spec.family === 'gaussian-diag' ? scale![c * d + j]! : scale![c]!;
          f64[p + 1 + d + j] = 1 / s;
          logS += Math.log(s);
        }
        f64[p] = logW - logS - 0.5 * d * LOG_2PI;
        break;
      }
      case 'poisson': {
        let sum = 0;
        for (let j = 0; j < d; j++) {
          const rate = spec.pooled ? loc[c]! : loc[c * d + j]!;
          f64[p + 1 + j] = Math.log(rate);
          sum += rate;
        }
        f64[p] = logW - sum;
        break;
      }
      case 'bernoulli': {
        for (let j = 0; j < d; j++) {
          const q = spec.pooled ? loc[c]! : loc[c * d + j]!;
          f64[p + 1 + j] = Math.log(q);
          f64[p + 1 + d + j] = Math.log1p(-q);
        }
        f64[p] = logW;
        break;
      }
      case 'categorical': {
        for (let j = 0; j < spec.c; j++) f64[p + 1 + j] = Math.log(loc[c * spec.c + j]!);
        f64[p] = logW;
        break;
      }
    }
  }
}

/** One E-step pass over every block (on `fm.threads` threads); the sums are at `fm.job.total`. */
export function runPass(fm: FastMixture): void {
  runBlocks(fm.arena, fm.kernel, fm.job, fm.threads);
}

/**
 * Runs the kernel block by block on this thread with responsibilities in `respBlock`: `given`
 * fills them first (rows i0 … i1, K each) and the kernel only accumulates (mode 1); otherwise
 * the kernel computes them and `visit` reads each block's. The sums go to `fm.job.total`.
 */
export function runSerialWithResponsibilities(
  fm: FastMixture,
  given: ((i0: number, i1: number, out: Float64Array) => void) | undefined,
  visit?: (i0: number, i1: number, resp: Float64Array) => void,
): void {
  const { arena, job, respBlock } = fm;
  const { f64, i32 } = arena;
  const k = fm.spec.k;
  i32[job.desc + 5] = respBlock;
  i32[job.desc + 6] = given ? 1 : 0;
  const slot = job.slots;
  const total = job.total;
  f64.fill(0, total, total + job.statSize);
  try {
    for (let i0 = 0; i0 < job.n; i0 += BLOCK_ROWS) {
      const i1 = Math.min(job.n, i0 + BLOCK_ROWS);
      const resp = f64.subarray(respBlock, respBlock + (i1 - i0) * k);
      given?.(i0, i1, resp);
      f64.fill(0, slot, slot + job.statSize);
      fm.kernel(arena, job.desc, i0, i1, slot, job.scratch);
      for (let j = 0; j < job.statSize; j++) f64[total + j]! += f64[slot + j]!;
      visit?.(i0, i1, resp);
    }
  } finally {
    i32[job.desc + 5] = -1;
    i32[job.desc + 6] = 0;
  }
}
