/**
 * How the fast executor's hooks (fit-fast.ts `fastHooks`) reach the rows of the data: held in the
 * arena (`memoryRows`), or read chunk by chunk from a spool file (stream/fit-stream.ts). The hooks
 * are the same either way; only the passes and the few per-row reads of the initialisation differ.
 * Also the checks both share: the general path's degenerate-data warnings, in one early-stopping
 * pass over the rows.
 */
import type { EmStepContext } from '../em/em-driver.js';
import { kmeansPlusPlus } from '../em/init.js';
import { type FastMixture, runPass, runSerialWithResponsibilities } from './fast-mixture.js';
import type { FastSpec } from './specialise.js';

/** Fills the responsibilities of rows [i0, i1) into `out`; the rows' data are at f64 index `rowsAt` of the arena. */
export type BlockFill = (i0: number, i1: number, out: Float64Array, rowsAt: number) => void;

export interface MixtureRows {
  /** Item `i`'s row. */
  row(i: number): Float64Array;
  /**
   * Calls `visit(first, rows, f64, at)` for consecutive runs of rows, [first, first + rows) at
   * index `at` of `f64`, in order, until `visit` returns false.
   */
  forEachChunk(visit: (first: number, rows: number, f64: Float64Array, at: number) => boolean | undefined): void;
  /** k-means++ seeds, the draws of em/init.ts `kmeansPlusPlus`. */
  kmeansPlusPlus(ctx: EmStepContext): number[];
  /** One E-step pass at the constants written: every block's statistics, summed in block order, in `job.total`. */
  pass(): void;
  /**
   * The serial pass with responsibilities given by `fill` (or computed by the kernel when
   * undefined); `visit(i0, i1, resp)` sees each block's responsibilities after its kernel ran.
   */
  serialPass(fill: BlockFill | undefined, visit?: (i0: number, i1: number, resp: Float64Array) => void): void;
}

/** The rows of an in-memory fit: `spec.x`, copied into (or shared with) the arena at the descriptor's X. */
export function memoryRows(fm: FastMixture): MixtureRows {
  const { spec } = fm;
  const { n, d, k, x } = spec;
  const at = fm.arena.i32[fm.job.desc]!;
  return {
    row: (i) => x.subarray(i * d, (i + 1) * d),
    forEachChunk: (visit) => void visit(0, n, x, 0),
    kmeansPlusPlus: (ctx) => kmeansPlusPlus(x, n, d, k, ctx.rng),
    pass: () => runPass(fm),
    serialPass: (fill, visit) =>
      runSerialWithResponsibilities(fm, fill && ((i0, i1, out) => fill(i0, i1, out, at + i0 * d)), visit),
  };
}

/**
 * The general path's degenerate-data warnings (em/init.ts) for the families it checks: constant
 * columns, and at most K distinct rows. One pass, stopped as soon as nothing is left to find.
 */
export function warnFewDistinct(spec: FastSpec, rows: MixtureRows, ctx: EmStepContext): void {
  if (spec.family === 'bernoulli' || spec.family === 'categorical' || spec.k < 2) return;
  const { n, d, k } = spec;
  const distinct = new Set<string>();
  const checkColumns = d >= 2 && n >= 2;
  const first = rows.row(0).slice();
  const varies = new Uint8Array(d);
  let varying = 0;
  rows.forEachChunk((_first, count, f64, at) => {
    for (let i = 0; i < count; i++) {
      const row = f64.subarray(at + i * d, at + (i + 1) * d);
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
