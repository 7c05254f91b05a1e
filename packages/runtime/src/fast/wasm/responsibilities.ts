/**
 * The step the WebAssembly mixture kernels share: a chunk's K log densities (as Mahalanobis
 * distances, with the components' constants lc) into responsibilities by the vectorised
 * log-sum-exp, and the chunk's log-likelihood and entropy, with the general path's convention for
 * a row no component can produce (uniform responsibilities, log-likelihood −∞).
 */
import type { GaussianWasm } from './gaussian.js';

/** Where a chunk's distances, row maxima, sums and t terms live (f64 indices), and the padded K. */
export interface ChunkScratch {
  readonly Kp: number;
  readonly lc: number;
  readonly L: number;
  readonly m: number;
  readonly s: number;
  readonly t: number;
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
  wasm.softmax(g.L, rows, Kp, g.lc, g.m, g.s, g.t);
  let logLik = 0;
  let entropy = 0;
  for (let r = 0; r < rows; r++) {
    const m = f64[g.m + r]!;
    const s = f64[g.s + r]!;
    if (!(s > 0) || !Number.isFinite(m)) {
      for (let k = 0; k < Kp; k++) f64[g.L + r * Kp + k] = k < K ? 1 / K : 0;
      logLik = Number.NEGATIVE_INFINITY;
      entropy += Math.log(K);
      continue;
    }
    const ls = Math.log(s);
    logLik += m + ls;
    entropy -= f64[g.t + r]! - ls;
  }
  sums[0] = logLik;
  sums[1] = entropy;
  return sums;
}
