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
  const { Kp } = g;
  wasm.softmax(g.L, rows, Kp, g.lc, g.m, g.s, g.t, g.e);
  // Σ_i log s_i as the log of running products (one log per ~hundreds of rows, not per row):
  // every finite s_i is in [1, K] (the row's largest term is exp(0) = 1), so a product flushed
  // once it passes 1e200 cannot overflow; its rounding is that of as many summed logs.
  let sumM = 0;
  let sumT = 0;
  let logS = 0;
  let product = 1;
  let impossible = 0;
  for (let r = 0; r < rows; r++) {
    const m = f64[g.m + r]!;
    const s = f64[g.s + r]!;
    if (!(s > 0) || !Number.isFinite(m)) {
      for (let k = 0; k < Kp; k++) f64[g.L + r * Kp + k] = k < K ? 1 / K : 0;
      impossible++;
      continue;
    }
    sumM += m;
    sumT += f64[g.t + r]!;
    product *= s;
    if (product > 1e200) {
      logS += Math.log(product);
      product = 1;
    }
  }
  logS += Math.log(product);
  const logLik = impossible > 0 ? Number.NEGATIVE_INFINITY : sumM + logS;
  const entropy = logS - sumT + impossible * Math.log(K);
  sums[0] = logLik;
  sums[1] = entropy;
  return sums;
}
