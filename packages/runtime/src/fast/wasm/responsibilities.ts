/**
 * The step the WebAssembly mixture kernels share: a chunk's K log densities (as Mahalanobis
 * distances, with the components' constants lc) into responsibilities by the vectorised
 * log-sum-exp, and the chunk's log-likelihood and entropy, with the general path's convention for
 * a row no component can produce (uniform responsibilities, log-likelihood −∞).
 */
import type { GaussianWasm } from './gaussian.js';

/** Where a chunk's distances, row maxima, sums, t terms and exps live (f64 indices), and the padded K. */
export interface ChunkScratch {
  readonly Kp: number;
  readonly lc: number;
  readonly L: number;
  readonly m: number;
  readonly s: number;
  readonly t: number;
  /** Scratch for the chunk's exps, as many entries as L. */
  readonly e: number;
  /** The chunk's sums from `lse` (rows + 5 entries). */
  readonly rec: number;
}

const sums = new Float64Array(2);

/**
 * Rows of L (stride Kp): distances in, responsibilities out; returns [Σ log p(x_i), Σ −r log r]
 * for the chunk (a view of one reused array: read it before the next call).
 */
export function responsibilities(
  f64: Float64Array,
  wasm: GaussianWasm,
  g: ChunkScratch,
  rows: number,
  K: number,
): Float64Array {
  wasm.lse(g.L, rows, K, g.Kp, g.lc, g.m, g.s, g.t, g.e, g.rec);
  return chunkSums(f64, g.rec, K);
}

/**
 * [Σ log p(x_i), Σ −r log r] of a chunk from the sums `lse` left at f64[rec…]: Σ log s_i is
 * the sum of the logs of its running products, in order (one log per ~hundreds of rows, not per
 * row; its rounding is that of as many summed logs); a row no component can produce makes the
 * log-likelihood −∞ and adds log K to the entropy. A view of one reused array, as above.
 */
export function chunkSums(f64: Float64Array, rec: number, K: number): Float64Array {
  const impossible = f64[rec + 2]!;
  const n = f64[rec + 3]!;
  let logS = 0;
  for (let j = 0; j < n; j++) logS += Math.log(f64[rec + 4 + j]!);
  sums[0] = impossible > 0 ? Number.NEGATIVE_INFINITY : f64[rec]! + logS;
  sums[1] = logS - f64[rec + 1]! + impossible * Math.log(K);
  return sums;
}
