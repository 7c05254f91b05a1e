/**
 * The chain kernels over one sequence (steps n0 … n0+L−1 of row-major [n, K] arrays): the
 * scaled forward–backward recursions (Rabiner 1989, with the per-step maximum of the emission
 * log-densities factored out first, so nothing underflows however peaked the emissions are),
 * giving log p(sequence), the smoothed marginals γ and the expected transition counts Σ_t ξ_t;
 * and the Viterbi recursion in log space. Allocation-free: every buffer is the caller's.
 */

const NEG_INF = Number.NEGATIVE_INFINITY;

/** Scratch and output buffers of the forward–backward pass, allocated once per fit. */
export interface ForwardBackwardWork {
  /** shape [n, K]: exp(logE − shift), the emission densities rescaled per step. */
  readonly b: Float64Array;
  /** shape [n, K]: the scaled forward variables α̂ (each row sums to 1). */
  readonly alpha: Float64Array;
  /** shape [n]: the forward normalisers c_t, log p(y_t | y_<t) = log c_t + shift_t. */
  readonly scale: Float64Array;
  /** shape [n]: the per-step maximum of logE that was factored out. */
  readonly shift: Float64Array;
  /** shape [K] each: the scaled backward variables of the step in hand, and b·β̂ / c of the next step. */
  readonly beta: Float64Array;
  readonly w: Float64Array;
}

export function makeForwardBackwardWork(n: number, K: number): ForwardBackwardWork {
  return {
    b: new Float64Array(n * K),
    alpha: new Float64Array(n * K),
    scale: new Float64Array(n),
    shift: new Float64Array(n),
    beta: new Float64Array(K),
    w: new Float64Array(K),
  };
}

/**
 * Forward–backward over one sequence. An impossible sequence (some step has zero density under
 * every reachable state) gives −∞, uniform γ and no transition counts: never NaN.
 * @param logE shape [n, K]: log p(emissions of step i | h_i = k); 0 for a step without emission
 * @param init shape [K]: p(h_0 = k)
 * @param trans shape [K, K]: trans[j·K + k] = p(h_t = k | h_{t−1} = j)
 * @param gamma shape [n, K], out: p(h_i = k | sequence) for the sequence's rows
 * @param xiSum shape [K, K], in/out: Σ_t p(h_{t−1} = j, h_t = k | sequence) is added
 * @param entropy shape [1], in/out (optional): the entropy of p(h_{0:L−1} | sequence) is added
 * @returns log p(sequence)
 */
export function forwardBackward(
  logE: Float64Array,
  n0: number,
  L: number,
  K: number,
  init: Float64Array,
  trans: Float64Array,
  work: ForwardBackwardWork,
  gamma: Float64Array,
  xiSum: Float64Array,
  entropy?: Float64Array,
): number {
  if (L === 0) return 0;
  const { b, alpha, scale, shift, beta, w } = work;
  let logLik = 0;
  for (let t = 0; t < L; t++) {
    const row = (n0 + t) * K;
    let c = NEG_INF;
    for (let k = 0; k < K; k++) if (logE[row + k]! > c) c = logE[row + k]!;
    if (!(c > NEG_INF)) return impossible(gamma, n0, L, K);
    let z = 0;
    for (let k = 0; k < K; k++) {
      let a = 0;
      if (t === 0) a = init[k]!;
      else for (let j = 0; j < K; j++) a += alpha[row - K + j]! * trans[j * K + k]!;
      const bk = Math.exp(logE[row + k]! - c);
      b[row + k] = bk;
      a *= bk;
      alpha[row + k] = a;
      z += a;
    }
    if (!(z > 0) || !Number.isFinite(z)) return impossible(gamma, n0, L, K);
    for (let k = 0; k < K; k++) alpha[row + k]! /= z;
    scale[n0 + t] = z;
    shift[n0 + t] = c;
    logLik += Math.log(z) + c;
  }
  const last = (n0 + L - 1) * K;
  for (let k = 0; k < K; k++) {
    beta[k] = 1;
    gamma[last + k] = alpha[last + k]!;
  }
  let h = 0;
  for (let t = L - 2; t >= 0; t--) {
    const row = (n0 + t) * K;
    const next = row + K;
    const z = scale[n0 + t + 1]!;
    for (let k = 0; k < K; k++) w[k] = (b[next + k]! * beta[k]!) / z;
    let total = 0;
    for (let j = 0; j < K; j++) {
      const aj = alpha[row + j]!;
      let bj = 0;
      for (let k = 0; k < K; k++) {
        const tw = trans[j * K + k]! * w[k]!;
        bj += tw;
        const xi = aj * tw;
        xiSum[j * K + k]! += xi;
      }
      beta[j] = bj;
      gamma[row + j] = aj * bj;
      total += aj * bj;
    }
    // γ sums to 1 in exact arithmetic; renormalising keeps round-off from accumulating.
    for (let j = 0; j < K; j++) gamma[row + j]! /= total;
    if (entropy) {
      // H(h_{t+1} | h_t, y) = −Σ ξ log q with q = p(h_{t+1} = k | h_t = j, y) = trans·w / β̂_t(j).
      for (let j = 0; j < K; j++) {
        const aj = alpha[row + j]!;
        const bj = beta[j]!;
        for (let k = 0; k < K; k++) {
          const q = (trans[j * K + k]! * w[k]!) / bj;
          if (q > 0) h -= aj * bj * q * Math.log(q);
        }
      }
    }
  }
  if (entropy) {
    const first = n0 * K;
    for (let k = 0; k < K; k++) {
      const g = gamma[first + k]!;
      if (g > 0) h -= g * Math.log(g);
    }
    entropy[0]! += h;
  }
  return logLik;
}

function impossible(gamma: Float64Array, n0: number, L: number, K: number): number {
  gamma.fill(1 / K, n0 * K, (n0 + L) * K);
  return NEG_INF;
}

/**
 * The most probable state path of one sequence (Viterbi), in log space; ties go to the lower
 * state.
 * @param logE shape [n, K], as for `forwardBackward`
 * @param logInit shape [K]; @param logTrans shape [K, K]: the logs of init and trans
 * @param delta shape [K], scratch; @param next shape [K], scratch
 * @param back shape [n, K], scratch: the best previous state of each (step, state)
 * @param path out: L entries, the path
 * @returns max over paths of log p(path, sequence)
 */
export function viterbi(
  logE: Float64Array,
  n0: number,
  L: number,
  K: number,
  logInit: Float64Array,
  logTrans: Float64Array,
  delta: Float64Array,
  next: Float64Array,
  back: Int32Array,
  path: Int32Array | number[],
): number {
  if (L === 0) return 0;
  for (let k = 0; k < K; k++) delta[k] = logInit[k]! + logE[n0 * K + k]!;
  for (let t = 1; t < L; t++) {
    const row = (n0 + t) * K;
    for (let k = 0; k < K; k++) {
      let best = NEG_INF;
      let arg = 0;
      for (let j = 0; j < K; j++) {
        const v = delta[j]! + logTrans[j * K + k]!;
        if (v > best) {
          best = v;
          arg = j;
        }
      }
      next[k] = best + logE[row + k]!;
      back[row + k] = arg;
    }
    delta.set(next);
  }
  let end = 0;
  for (let k = 1; k < K; k++) if (delta[k]! > delta[end]!) end = k;
  const score = delta[end]!;
  path[L - 1] = end;
  for (let t = L - 1; t > 0; t--) path[t - 1] = back[(n0 + t) * K + path[t]!]!;
  return score;
}
