/**
 * Where the fast chain E-step keeps everything in its arena (fast/block-kernel.ts): the
 * descriptor words, the param region, the stats slot and the per-thread scratch, shared by the
 * block kernels (fast-chain-blocks.ts), which read them from the arena alone (so a worker
 * thread can run them), and by the hooks (fast-chain.ts), which write params and read stats.
 *
 * Rows of a chain block job are **sequences**: a block is a fixed run of whole sequences (its
 * length chosen from the data alone), so the reduction order does not depend on threads.
 *
 * Param region (f64, from `params`): init [K] | trans [K, K] | the emission's —
 *   Gaussian:    mu [K, D] | Linv [K, D, D] (the inverse of the Cholesky factor of Sigma_k,
 *                lower triangle; ‖Linv (x − mu_k)‖² is the Mahalanobis form) | logNorm [K]
 *                (−D/2 log 2π − ½ log|Sigma_k|)
 *   categorical: emitT [M, K] (emit transposed: the K probabilities of one symbol adjacent).
 * Stats slot (f64, from `slot`): logLik | gamma0 [K] | xi [K, K] | the emission's —
 *   Gaussian:    N [K] | S1 [K, D] = Σ γ d | S2 [K, D, D] = Σ γ d dᵀ (upper triangle only),
 *                d = x − mu_k at the E-step's mu (centred: no cancellation in the covariance)
 *   categorical: counts [M, K] (transposed, like emitT).
 * Scratch (f64, per thread, from `scratch`): alpha [maxLen, K] (α̂; the Gaussian kernel overwrites
 * it with γ in the backward pass) | b [maxLen, K] (Gaussian only: the log densities, then the
 * rescaled densities, kept for the backward pass) | invc [maxLen] (1 / c_t) | beta, w, gamma [K]
 * each (gamma: the categorical kernel's γ of the step in hand) | res [D] (Gaussian only).
 */

/** Descriptor words (Int32, from `desc`). */
export const DESC_K = 0;
/** D (Gaussian) or M (categorical). */
export const DESC_E = 1;
export const DESC_SEQUENCES = 2;
/** i32 index of the sequence starts, [sequences + 1]. */
export const DESC_START = 3;
/** f64 index of the observations [n, D] (Gaussian), or i32 index of the symbols [n] (categorical). */
export const DESC_DATA = 4;
/** f64 index of the param region. */
export const DESC_PARAMS = 5;
/** The longest sequence (sizes the scratch). */
export const DESC_MAX_LEN = 6;
export const DESC_WORDS = 7;

/** The emission families with a fast kernel. */
export type FastEmission = 'gaussian' | 'categorical';

/** The sizes a layout is computed from. */
export interface ChainShape {
  readonly emission: FastEmission;
  readonly K: number;
  /** D (Gaussian) or M (categorical). */
  readonly E: number;
  readonly maxLen: number;
}

/** Entries of the emission params after init and trans. */
export function emissionParamSize({ emission, K, E }: ChainShape): number {
  return emission === 'gaussian' ? K * E + K * E * E + K : E * K;
}

/** Entries of one stats slot. */
export function statSize(shape: ChainShape): number {
  const { emission, K, E } = shape;
  return 1 + K + K * K + (emission === 'gaussian' ? K + K * E + K * E * E : E * K);
}

/** Entries of one thread's scratch. */
export function scratchSize({ emission, K, E, maxLen }: ChainShape): number {
  return maxLen * K * (emission === 'gaussian' ? 2 : 1) + maxLen + 3 * K + (emission === 'gaussian' ? E : 0);
}

/** Steps a block aims at: enough work per block to amortise a hand-off, small enough to share out. */
export const BLOCK_STEPS = 4096;

/** Sequences per block: about BLOCK_STEPS steps of the mean length, at least one (from the data only). */
export function sequencesPerBlock(steps: number, sequences: number): number {
  const mean = steps / Math.max(1, sequences);
  return Math.max(1, Math.floor(BLOCK_STEPS / Math.max(1, mean)));
}
