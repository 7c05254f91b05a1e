/**
 * The streamed fit: the fast mixture executor (fast/fit-fast.ts) over rows that are never all in
 * memory. The rows come from a `RowSource` (row-source.ts: a spool file on disk, in practice) and
 * every pass — each E-step with its fused sufficient statistics, the initialisation's k-means++
 * draws and nearest-seed assignment, the degenerate-data checks, the global moments an empty
 * component needs — reads them in chunks into one reused buffer at the start of the arena and
 * runs the same block kernels on the same blocks of BLOCK_ROWS rows. The per-block statistics are
 * summed in block order across chunks, exactly as `reduceSlots` sums them in memory, so the
 * streamed fit gives the same bits as the in-memory one (same seed and options, any thread
 * count). Memory: the buffer (`chunkRows` rounded up to whole blocks) and the fit's small state;
 * k-means++ recomputes each row's nearest-seed distance on every pass instead of keeping n of them
 * (min over the seeds so far is exact, so the draws are the same).
 *
 * Not kept: the responsibilities (a streamed fit returns none; `posteriors` is honoured only in
 * that the final pass runs as the in-memory fit's posteriors pass, so the log-likelihood has the
 * same bits either way).
 */
import type { BoundData } from '../data/bind-data.js';
import { type EmStepContext, runEm } from '../em/em-driver.js';
import type { EmFitOptions, ProgramFit } from '../em/fit.js';
import type { FitProgram } from '../em/fit-program.js';
import { BLOCK_ROWS, blockCount } from '../fast/block-kernel.js';
import { registerOutOfCoreRows } from '../fast/fast-m-step.js';
import { type FastMixture, prepareFast } from '../fast/fast-mixture.js';
import { fastFitResult, fastHooks, workPerRow } from '../fast/fit-fast.js';
import type { BlockFill, MixtureRows } from '../fast/mixture-rows.js';
import { type FastSpec, generalForced, specialiseMixture } from '../fast/specialise.js';
import { lgamma } from '../math/special.js';
import { releaseArena, runBlocks } from '../parallel/run-blocks.js';
import { passThreads } from '../parallel/threads.js';
import type { RowSource } from './row-source.js';

/** Rows per read of the source when not given: 65,536 (32 blocks). */
export const DEFAULT_CHUNK_ROWS = 65536;

export interface StreamFitOptions extends EmFitOptions {
  /**
   * Rows per read of the source (default 65,536). The kernels always run on whole blocks of
   * BLOCK_ROWS rows (the blocks fix the summation order), so the buffer holds this many rows
   * rounded up to whole blocks; a smaller value only makes more, smaller reads.
   */
  readonly chunkRows?: number;
}

/** A model or data the streamed fit cannot take; the message says why. */
export class StreamSetupError extends Error {}

/**
 * A stand-in for the child data's values in the `BoundData` a streamed fit is recognised on:
 * it has their length and nothing else (the rows are in the `RowSource`).
 */
export function streamedValues(length: number): Float64Array {
  return Object.defineProperty(Object.create(Float64Array.prototype), 'length', { value: length }) as Float64Array;
}

/**
 * Why the streamed fit cannot take `program` on `data`, or undefined when it can (`data` may
 * hold `streamedValues` for the child: only shapes and sizes are read).
 */
export function streamObstacle(program: FitProgram, data: BoundData, options: EmFitOptions = {}): string | undefined {
  return specOf(program, data, options).obstacle;
}

function specOf(program: FitProgram, data: BoundData, options: EmFitOptions): { spec?: FastSpec; obstacle?: string } {
  if (program.kind !== undefined && program.kind !== 'mixture')
    return { obstacle: `it is not a finite mixture (its inference is '${program.kind}')` };
  if (generalForced(options))
    return { obstacle: 'the general executor was asked for (EMFORGE_GENERAL=1 or specialise: false)' };
  if ((options.variant ?? 'em') !== 'em')
    return { obstacle: `the '${options.variant}' variant runs on the general executor only` };
  for (const v of Object.values(data.variables)) {
    if (v.offsets) return { obstacle: `the data '${v.name}' are ragged` };
    if (v.missing) return { obstacle: `the data '${v.name}' have missing entries` };
  }
  const spec = specialiseMixture(program, data, options);
  if (!spec)
    return {
      obstacle:
        'only the specialised mixtures stream: one latent z[N] ~ Categorical(w) and one observation of whole ' +
        'rows selected by it (MvNormal full or tied, Normal diagonal or spherical, Poisson, Bernoulli, Categorical), ' +
        'with closed-form updates and no other params',
    };
  return { spec };
}

/**
 * Rows of slack after the buffer. The descriptor's N is the rows from the chunk's first to the end
 * of the data (so the WebAssembly kernels treat the data's last rows, and only those, as its
 * end, as in memory), and those kernels read whole groups of rows a few rows past a chunk's end:
 * inside the buffer and its slack (what they read there is not used).
 */
const SLACK_ROWS = 16;

/** A fast mixture whose data region is a buffer of `capacity` rows, filled chunk by chunk from `source`. */
class StreamedMixture implements MixtureRows {
  readonly fm: FastMixture;
  readonly capacity: number;
  private readonly x: number;
  private readonly acc: Float64Array;

  constructor(
    readonly spec: FastSpec,
    readonly source: RowSource,
    readonly chunkRows: number,
    threads: number,
  ) {
    this.capacity = Math.max(1, Math.ceil(Math.min(chunkRows, spec.n) / BLOCK_ROWS)) * BLOCK_ROWS;
    const { d } = spec;
    // The layout of an in-memory fit of `capacity` rows (and SLACK more): the buffer is its data region.
    const size = this.capacity + SLACK_ROWS;
    const buffered = prepareFast({ ...spec, n: size, x: new Float64Array(size * d) }, threads);
    const logLikConstant = spec.family === 'poisson' ? -this.sumLogFactorials() : 0;
    this.fm = { ...buffered, spec: { ...spec, x: new Float64Array(0) }, logLikConstant };
    this.x = buffered.arena.i32[buffered.job.desc]!;
    this.acc = new Float64Array(buffered.job.statSize);
    registerOutOfCoreRows(this.fm, { row: (i) => this.row(i), moments: () => this.moments() });
  }

  /** Item `i`'s row (a random read of the source). */
  row(i: number): Float64Array {
    const out = new Float64Array(this.spec.d);
    this.source.read(i, 1, out, 0);
    return out;
  }

  /**
   * Calls `chunk(first, rows)` with rows [first, first + rows) loaded at f64 index `this.x` of the
   * arena, in order; `chunk` returns false to stop.
   */
  forEachChunk(chunk: (first: number, rows: number, f64: Float64Array, x: number) => boolean | undefined): void {
    const { n, d } = this.spec;
    const { f64 } = this.fm.arena;
    for (let first = 0; first < n; first += this.capacity) {
      const rows = Math.min(this.capacity, n - first);
      for (let r = 0; r < rows; r += this.chunkRows) {
        const count = Math.min(this.chunkRows, rows - r);
        this.source.read(first + r, count, f64, this.x + r * d);
      }
      if (chunk(first, rows, f64, this.x) === false) return;
    }
  }

  /** One E-step pass: every block's statistics summed in block order into `job.total`. */
  pass(): void {
    const { arena, kernel, job, threads } = this.fm;
    const { f64, i32 } = arena;
    const n = this.spec.n;
    const acc = this.acc;
    acc.fill(0);
    this.forEachChunk((first, rows) => {
      i32[job.desc + 1] = n - first;
      runBlocks(arena, kernel, { ...job, n: rows }, threads);
      const nBlocks = blockCount(rows);
      for (let b = 0; b < nBlocks; b++) {
        const s = job.slots + b * job.statSize;
        for (let j = 0; j < job.statSize; j++) acc[j]! += f64[s + j]!;
      }
      return true;
    });
    f64.set(acc, job.total);
  }

  /**
   * The serial pass with responsibilities in `respBlock` (fast-mixture.ts
   * `runSerialWithResponsibilities`): `given` fills them for global rows [i0, i1), else the kernel
   * computes them. The sums go to `job.total`.
   */
  serialPass(given: BlockFill | undefined, visit?: (i0: number, i1: number, resp: Float64Array) => void): void {
    const { arena, job, respBlock, kernel } = this.fm;
    const { f64, i32 } = arena;
    const { n, k } = this.spec;
    const acc = this.acc;
    acc.fill(0);
    i32[job.desc + 5] = respBlock;
    i32[job.desc + 6] = given ? 1 : 0;
    const slot = job.slots;
    try {
      this.forEachChunk((first, rows) => {
        i32[job.desc + 1] = n - first;
        for (let i0 = 0; i0 < rows; i0 += BLOCK_ROWS) {
          const i1 = Math.min(rows, i0 + BLOCK_ROWS);
          given?.(
            first + i0,
            first + i1,
            f64.subarray(respBlock, respBlock + (i1 - i0) * k),
            this.x + i0 * this.spec.d,
          );
          f64.fill(0, slot, slot + job.statSize);
          kernel(arena, job.desc, i0, i1, slot, job.scratch);
          for (let j = 0; j < job.statSize; j++) acc[j]! += f64[slot + j]!;
          visit?.(first + i0, first + i1, f64.subarray(respBlock, respBlock + (i1 - i0) * k));
        }
        return true;
      });
    } finally {
      i32[job.desc + 5] = -1;
      i32[job.desc + 6] = 0;
    }
    f64.set(acc, job.total);
  }

  kmeansPlusPlus(ctx: EmStepContext): number[] {
    return kmeansPlusPlusStreamed(this, ctx);
  }

  /** Σ_ij log x_ij! in index order (fast-mixture.ts `sumLogFactorials`: the same values and order). */
  private sumLogFactorials(): number {
    const table = new Float64Array(4096);
    for (let v = 0; v < table.length; v++) table[v] = lgamma(v + 1);
    const { n, d } = this.spec;
    const buffer = new Float64Array(Math.min(this.chunkRows, n) * d);
    const rowsPerRead = buffer.length / d;
    let sum = 0;
    for (let first = 0; first < n; first += rowsPerRead) {
      const count = Math.min(rowsPerRead, n - first);
      this.source.read(first, count, buffer, 0);
      for (let i = 0; i < count * d; i++) {
        const v = buffer[i]!;
        sum += v >= 0 && v < table.length && v === Math.floor(v) ? table[v]! : lgamma(v + 1);
      }
    }
    return sum;
  }

  /** The global mean and scatter Σ_i (x_i − x̄)(x_i − x̄)ᵀ, two passes in fast-m-step.ts's order. */
  private moments(): { mean: Float64Array; scatter: Float64Array } {
    const { n, d } = this.spec;
    const mean = new Float64Array(d);
    this.forEachChunk((_first, rows, f64, x) => {
      for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) mean[j]! += f64[x + i * d + j]!;
      return true;
    });
    for (let j = 0; j < d; j++) mean[j]! /= n;
    const scatter = new Float64Array(d * d);
    const r = new Float64Array(d);
    this.forEachChunk((_first, rows, f64, x) => {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < d; j++) r[j] = f64[x + i * d + j]! - mean[j]!;
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) scatter[a * d + b]! += r[a]! * r[b]!;
      }
      return true;
    });
    return { mean, scatter };
  }
}

const squaredDistance = (f64: Float64Array, at: number, seed: Float64Array, d: number): number => {
  let s = 0;
  for (let j = 0; j < d; j++) s += (f64[at + j]! - seed[j]!) ** 2;
  return s;
};

/**
 * k-means++ as em/init.ts `kmeansPlusPlus` draws it, in passes: per new seed one pass for the
 * total of the nearest-seed distances and one (stopping at the pick) to find the item the draw
 * lands on. The distance to the nearest seed is min over the seeds so far, recomputed per pass.
 */
function kmeansPlusPlusStreamed(sm: StreamedMixture, ctx: EmStepContext): number[] {
  const { n, d, k } = sm.spec;
  const rng = ctx.rng;
  const seeds = [rng.uniformInt(n)];
  const seedRows = [sm.row(seeds[0]!)];
  const nearest = (f64: Float64Array, at: number): number => {
    let m = Number.POSITIVE_INFINITY;
    for (const s of seedRows) m = Math.min(m, squaredDistance(f64, at, s, d));
    return m;
  };
  while (seeds.length < k) {
    let total = 0;
    sm.forEachChunk((_first, rows, f64, x) => {
      for (let i = 0; i < rows; i++) total += nearest(f64, x + i * d);
      return true;
    });
    let u = rng.uniform() * total;
    let pick = total > 0 ? -1 : rng.uniformInt(n);
    if (pick < 0) {
      sm.forEachChunk((first, rows, f64, x) => {
        for (let i = 0; i < rows && pick < 0; i++) {
          u -= nearest(f64, x + i * d);
          if (u < 0) pick = first + i;
        }
        return pick < 0;
      });
    }
    const chosen = pick < 0 ? n - 1 : pick;
    seeds.push(chosen);
    seedRows.push(sm.row(chosen));
  }
  return seeds;
}

/**
 * Fits `program` with the rows of its one item observation read from `rows` in chunks (see the
 * file header). `data` holds the sizes and any non-item data; its child variable may hold
 * `streamedValues` (shapes only). Throws `StreamSetupError` naming why a model cannot stream.
 * The result has the in-memory fit's bits; `posteriors.responsibilities` is always empty.
 */
export function fitStreamed(
  program: FitProgram,
  data: BoundData,
  rows: RowSource,
  options: StreamFitOptions = {},
): ProgramFit {
  const { spec, obstacle } = specOf(program, data, options);
  if (!spec) throw new StreamSetupError(`this model cannot be fitted streamed: ${obstacle}`);
  if (rows.n !== spec.n || rows.d !== spec.d)
    throw new StreamSetupError(
      `the rows are ${rows.n} × ${rows.d}, the model's data '${spec.child}' ${spec.n} × ${spec.d}`,
    );
  const chunkRows = Math.max(1, Math.floor(options.chunkRows ?? DEFAULT_CHUNK_ROWS));
  const sm = new StreamedMixture(spec, rows, chunkRows, passThreads(options.threads, spec.n, workPerRow(spec)));
  try {
    const { best } = runEm(fastHooks(sm.fm, data, options, sm), options);
    // No responsibilities kept: the pass only gives the log-likelihood the in-memory fit reports.
    return fastFitResult(sm.fm, data, options, best, sm, false);
  } finally {
    releaseArena(sm.fm.arena);
  }
}
