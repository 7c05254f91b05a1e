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
import { findDistribution } from '../distributions/registry.js';
import { countParams } from '../em/criteria.js';
import { type EmHooks, type EmStepContext, runEm } from '../em/em-driver.js';
import { type EmFitOptions, flatValues, type ProgramFit } from '../em/fit.js';
import { type FitProgram, isScalarConstant } from '../em/fit-program.js';
import { nestValues, type ParamValue, runResult } from '../em/fit-result.js';
import { randomPoints } from '../em/init.js';
import { constantValues, FitSetupError, type MixtureParam, resolveDim } from '../em/mixture.js';
import { makeUnconstrained } from '../em/unconstrained.js';
import { BLOCK_ROWS, blockCount } from '../fast/block-kernel.js';
import { type FastStats, mStepFast, registerOutOfCoreRows } from '../fast/fast-m-step.js';
import { type FastMixture, prepareFast, writeConstants } from '../fast/fast-mixture.js';
import { type FastSpec, generalForced, specialiseMixture } from '../fast/specialise.js';
import { lgamma } from '../math/special.js';
import { releaseArena, runBlocks } from '../parallel/run-blocks.js';
import { passThreads } from '../parallel/threads.js';
import { sampleDirichlet } from '../random/continuous.js';
import type { RowSource } from './row-source.js';

type Values = Readonly<Record<string, Float64Array>>;

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

/** The params as the general executor allocates them (as fit-fast.ts). */
function mixtureParams(spec: FastSpec, data: BoundData): MixtureParam[] {
  return spec.program.params.map((p) => {
    const dims = p.dims.map((d) => resolveDim(d, data.sizes));
    const shape = p.shape.map((d) => resolveDim(d, data.sizes));
    const elementSize = shape.reduce((a, b) => a * b, 1);
    const elements = dims.reduce((a, b) => a * b, 1);
    return { spec: p, dims, shape, elementSize, elements, values: new Float64Array(elementSize * elements) };
  });
}

function makeLogPrior(spec: FastSpec, data: BoundData): (values: Values) => number {
  const prior = spec.weights.prior;
  if (!prior) return () => 0;
  const family = findDistribution(prior.family);
  if (!family) throw new Error(`unknown prior family ${prior.family}`);
  const args = prior.args.map((a) => {
    const v = constantValues(a, data.sizes, data.variables);
    return v.length === 1 && isScalarConstant(a) ? v[0]! : v;
  });
  return (values) => family.numerics.logDensity(values[spec.weights.name]!, args);
}

function identityScale(spec: FastSpec, params: readonly MixtureParam[]): Float64Array {
  const p = params.find((q) => q.spec.name === spec.scale?.name)!;
  const out = new Float64Array(p.values.length);
  if (spec.family === 'gaussian-full' || spec.family === 'gaussian-tied') {
    const d = spec.d;
    for (let e = 0; e < p.elements; e++) for (let j = 0; j < d; j++) out[e * d * d + j * d + j] = 1;
  } else out.fill(1);
  return out;
}

function workPerRow(spec: FastSpec): number {
  const { d, k } = spec;
  switch (spec.family) {
    case 'gaussian-full':
    case 'gaussian-tied':
      return k * (d * d + 3 * d + 10);
    case 'gaussian-diag':
    case 'gaussian-spherical':
      return k * (4 * d + 10);
    default:
      return k * (2 * d + 12);
  }
}

/**
 * Rows of slack after the buffer. The descriptor's N is the rows from the chunk's first to the end
 * of the data (so the WebAssembly kernels treat the data's last rows, and only those, as its
 * end, as in memory), and those kernels read whole groups of rows a few rows past a chunk's end:
 * inside the buffer and its slack (what they read there is not used).
 */
const SLACK_ROWS = 16;

/** Fills the responsibilities of global rows [i0, i1) into `out`; their data are at f64 index `rowsAt`. */
type BlockFill = (i0: number, i1: number, out: Float64Array, rowsAt: number) => void;

/** A fast mixture whose data region is a buffer of `capacity` rows, filled chunk by chunk from `source`. */
class StreamedMixture {
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
  serialPass(given: BlockFill | undefined): void {
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
        }
        return true;
      });
    } finally {
      i32[job.desc + 5] = -1;
      i32[job.desc + 6] = 0;
    }
    f64.set(acc, job.total);
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

/** fit-fast.ts's degenerate-data warnings (constant columns, few distinct rows), in one early-stopping pass. */
function warnFewDistinct(sm: StreamedMixture, ctx: EmStepContext): void {
  const { spec } = sm;
  if (spec.family === 'bernoulli' || spec.family === 'categorical' || spec.k < 2) return;
  const { n, d, k } = spec;
  const distinct = new Set<string>();
  const checkColumns = d >= 2 && n >= 2;
  const first = sm.row(0);
  const varies = new Uint8Array(d);
  let varying = 0;
  sm.forEachChunk((_first, rows, f64, x) => {
    for (let i = 0; i < rows; i++) {
      const row = f64.subarray(x + i * d, x + (i + 1) * d);
      if (distinct.size <= k) distinct.add(row.join(','));
      if (checkColumns && varying < d) {
        for (let j = 0; j < d; j++) {
          if (varies[j] === 0 && row[j] !== first[j]) {
            varies[j] = 1;
            varying++;
          }
        }
      }
      if (distinct.size > k && (!checkColumns || varying === d)) return false;
    }
    return true;
  });
  if (checkColumns) {
    for (let j = 0; j < d; j++) {
      if (varies[j] === 1) continue;
      ctx.warn(
        `column ${j} of the data '${spec.child}' is constant (${first[j]}): it has zero variance in every component, so only ` +
          'regCovar keeps a per-coordinate or full covariance positive definite; drop the column, or raise regCovar',
      );
    }
  }
  if (distinct.size > k) return;
  const size = spec.statesName ?? 'the number of components';
  ctx.warn(
    `the data '${spec.child}' have only ${distinct.size} distinct ${distinct.size === 1 ? 'value' : 'values'} for ${k} components ` +
      `(${size === 'the number of components' ? '' : `${size} = ${k}; `}at most one per component): components will be empty, identical ` +
      `or collapsed onto single points; lower ${size}`,
  );
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

/** The EM hooks of fit-fast.ts over a streamed mixture: the same draws, passes and M-step. */
function streamHooks(sm: StreamedMixture, data: BoundData, options: EmFitOptions): EmHooks<Values, FastStats> {
  const { fm, spec } = sm;
  const params = mixtureParams(spec, data);
  const fixed = flatValues(spec.program, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(spec.program, options.init ?? {}, 'init'), ...fixed };
  for (const p of params) {
    const v = given[p.spec.name];
    if (v && v.length !== p.values.length)
      throw new FitSetupError(`'${p.spec.name}' has ${v.length} values, expected ${p.values.length}`);
  }
  const mOptions = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(fixed)) };
  const unconstrained = makeUnconstrained({ params }, fixed);
  const logPrior = makeLogPrior(spec, data);
  const gaussian = spec.family.startsWith('gaussian');
  const statsOf = (values: Values) => {
    const { total, statSize } = fm.job;
    const totals = fm.arena.f64.slice(total, total + statSize);
    const logLik = totals[0]! + fm.logLikConstant;
    const prior = logPrior(values);
    const objective = logLik + prior;
    const stats = {
      values,
      totals,
      centres: values[spec.location.name]!.slice(),
      logLik,
      logPrior: prior,
      entropy: totals[1]!,
    };
    return { objective: Number.isNaN(objective) ? Number.NEGATIVE_INFINITY : objective, stats };
  };
  return {
    initialize: (ctx) => {
      warnFewDistinct(sm, ctx);
      const current: Record<string, Float64Array> = {};
      for (const p of params) current[p.spec.name] = given[p.spec.name]?.slice() ?? new Float64Array(p.values.length);
      if (params.every((p) => given[p.spec.name] !== undefined)) return current;
      const { n, d, k } = spec;
      const method = options.initMethod ?? 'kmeans++';
      let fill: BlockFill;
      const centres = new Float64Array(k * d);
      if ((method === 'kmeans++' || method === 'random-points') && gaussian && n >= k) {
        const seeds =
          method === 'kmeans++' ? kmeansPlusPlusStreamed(sm, ctx) : randomPoints(new Float64Array(0), n, d, k, ctx.rng);
        const seedRows = seeds.map((s) => sm.row(s));
        for (let j = 0; j < k; j++) centres.set(seedRows[j]!, j * d);
        const { f64 } = fm.arena;
        fill = (i0, i1, out, rowsAt) => {
          out.fill(0);
          for (let i = i0; i < i1; i++) {
            const at = rowsAt + (i - i0) * d;
            let best = 0;
            let bestDistance = Number.POSITIVE_INFINITY;
            for (let s = 0; s < seedRows.length; s++) {
              const dist = squaredDistance(f64, at, seedRows[s]!, d);
              if (dist < bestDistance) {
                bestDistance = dist;
                best = s;
              }
            }
            out[(i - i0) * k + best] = 1;
          }
        };
      } else {
        if (gaussian) {
          const row0 = sm.row(0);
          for (let j = 0; j < k; j++) centres.set(row0, j * d);
        }
        const row = new Float64Array(k);
        fill = (i0, i1, out) => {
          for (let i = i0; i < i1; i++) {
            sampleDirichlet(ctx.rng, 1, row);
            out.set(row, (i - i0) * k);
          }
        };
      }
      const start: Record<string, Float64Array> = { ...current };
      if (gaussian) {
        start[spec.location.name] = centres;
        start[spec.weights.name] = new Float64Array(k).fill(1 / k);
        if (spec.scale) start[spec.scale.name] = identityScale(spec, params);
      } else {
        start[spec.weights.name] = new Float64Array(k).fill(1 / k);
        start[spec.location.name] = new Float64Array(current[spec.location.name]!.length).fill(0.5);
      }
      writeConstants(fm, start);
      sm.serialPass(fill);
      const { stats } = statsOf(start);
      const next = mStepFast(fm, { ...stats, centres: gaussian ? centres : stats.centres }, current, ctx, mOptions);
      for (const [name, v] of Object.entries(given)) next[name] = v.slice();
      return next;
    },
    eStep: (values) => {
      writeConstants(fm, values);
      sm.pass();
      return statsOf(values);
    },
    mStep: (stats, ctx) => mStepFast(fm, stats, stats.values, ctx, mOptions),
    unconstrain: (values) => unconstrained.unconstrain(values),
    constrain: (u) => unconstrained.constrain(u),
  };
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
    const { best } = runEm(streamHooks(sm, data, options), options);
    const { fm } = sm;
    const free = mixtureParams(spec, data).filter((p) => options.fixed?.[p.spec.name] === undefined);
    const nParams = countParams(free.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape })));
    let totals = best.stats.totals;
    if (options.posteriors !== false) {
      // The in-memory fit's posteriors pass (serial, the kernel computing responsibilities).
      writeConstants(fm, best.params);
      sm.serialPass(undefined);
      totals = fm.arena.f64.slice(fm.job.total, fm.job.total + fm.job.statSize);
    }
    const nested: Record<string, ParamValue> = {};
    for (const p of mixtureParams(spec, data))
      nested[p.spec.name] = nestValues(best.params[p.spec.name]!, [...p.dims, ...p.shape]);
    const result = runResult(spec.program, best, {
      logLik: totals[0]! + fm.logLikConstant,
      params: nested,
      nParams,
      nObs: spec.n,
      entropy: totals[1]!,
    });
    return {
      result,
      posteriors: {
        latents: [spec.latent],
        states: Array.from({ length: spec.k }, (_, s) => `${spec.latent}=${s}`),
        responsibilities: [],
      },
    };
  } finally {
    releaseArena(sm.fm.arena);
  }
}
