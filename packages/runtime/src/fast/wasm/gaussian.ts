/**
 * The Gaussian WebAssembly primitives (gaussian.wat) bound to an arena: one compiled module per
 * process, one instance per (thread, arena memory). Arguments are f64 indices into the arena,
 * as everywhere in fast/; the wrappers turn them into the byte offsets the module takes.
 * Preconditions (the callers' layout keeps them): U, c, S and the w rows are padded to Dp
 * (`padded(D)`) with zeros; at least Dp f64s of zeros follow the data rows, and
 * `maha4` runs on whole groups of 4 rows (rows past the end of the data read that padding).
 */
import '../webassembly.js';
import { gaussianWasmBase64 } from './gaussian-wasm.js';

export interface GaussianWasm {
  /** out[r·outStride] = ‖Uᵀ x_r − c‖² for 4·groups rows of x starting at row 0 of `x`. */
  maha4(x: number, groups: number, D: number, Dp: number, u: number, c: number, out: number, outStride: number): void;
  /** S += Σ_r w_r x_rᵀ over `rows` rows of x (row stride xStride) (upper 4×4 tiles of the Dp × Dp matrix S). */
  scatter(w: number, x: number, rows: number, xStride: number, Dp: number, s: number): void;
  /** maha4 for D ≤ 2, with U and c padded to Dp = 2. */
  maha2(x: number, groups: number, D: number, u: number, c: number, out: number, outStride: number): void;
  /**
   * weight then scatter for D ≤ 2 (Dp = 2) in one pass: d = x − μ, w = r·d, sx += w,
   * S (2 × 2) += w dᵀ, nk[0] += Σ r; the same bits, nothing stored per row.
   */
  moments2(
    x: number,
    rows: number,
    D: number,
    mu: number,
    r: number,
    rStride: number,
    sx: number,
    s: number,
    nk: number,
  ): void;
  /**
   * For `rows` rows: d_i = x_i − μ, w_i = r[i·rStride] · d_i (rows of Dp entries in d and w),
   * sx += w_i, nk[0] += Σ r. `r` points at the component's column of a responsibility matrix
   * with row stride rStride.
   */
  weight(
    x: number,
    rows: number,
    D: number,
    Dp: number,
    mu: number,
    r: number,
    rStride: number,
    d: number,
    w: number,
    sx: number,
    nk: number,
  ): void;
  /**
   * Rows of L (stride Kp, even) hold Mahalanobis distances in, responsibilities out:
   * l_k = lc_k − ½L_k, m = max l, s = Σ exp(l − m), r_k = exp(l_k − m)/s;
   * mOut[i] = m, sOut[i] = s, tOut[i] = Σ r_k (l_k − m). A column with lc = −∞ gets r = 0.
   * K of the Kp columns are components (Kp = K or K + 1; the padding column has lc = −∞).
   * E is scratch for rows × Kp entries (the exps, between the passes).
   */
  softmax(
    L: number,
    rows: number,
    K: number,
    Kp: number,
    lc: number,
    mOut: number,
    sOut: number,
    tOut: number,
    E: number,
  ): void;
  /**
   * softmax, then the chunk's sums into rec: [Σ m, Σ t, impossible rows, n, the n running
   * products of s] (rows no component can produce get 1/K each and are left out of the sums);
   * responsibilities.ts turns them into the log-likelihood and entropy. rec holds rows + 5 entries.
   */
  lse(
    L: number,
    rows: number,
    K: number,
    Kp: number,
    lc: number,
    mOut: number,
    sOut: number,
    tOut: number,
    E: number,
    rec: number,
  ): void;
  /**
   * One chunk of the full-covariance block kernel (gaussian-full-wasm.ts): the distances of every
   * component, lse, the responsibilities copied to R (rows of K; R < 0: not), and every
   * component's moments, in one call.
   */
  estep(
    x: number,
    rows: number,
    D: number,
    Dp: number,
    K: number,
    Kp: number,
    lc: number,
    mu: number,
    c: number,
    u: number,
    L: number,
    m: number,
    s: number,
    t: number,
    E: number,
    d: number,
    w: number,
    sx: number,
    sacc: number,
    nk: number,
    R: number,
    rec: number,
  ): void;
  /** out[r·outStride] = Σ_j ((x_rj − μ_j) p_j)² over D2 = D rounded up to 2 entries (μ, p zero-padded). */
  mahaDiag(x: number, rows: number, D: number, D2: number, mu: number, p: number, out: number, outStride: number): void;
  /** d = x − μ, rk = r[i·rStride]: sx += rk·d, sxx += rk·d² (D2 entries), nk[0] += Σ rk. */
  momentsDiag(
    x: number,
    rows: number,
    D: number,
    D2: number,
    mu: number,
    r: number,
    rStride: number,
    sx: number,
    sxx: number,
    nk: number,
  ): void;
}

/**
 * The padded row length of U, c, S and w: D rounded up to a multiple of 4 for maha4 and
 * scatter's 4 × 4 tiles, or 2 for D ≤ 2 (maha2 and moments2, a quarter of the work there).
 */
export const padded = (D: number): number => (D <= 2 ? 2 : Math.ceil(D / 4) * 4);

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, GaussianWasm>();

/** The primitives on `memory` (instantiated on first use in this thread). */
export function gaussianWasm(memory: WebAssembly.Memory): GaussianWasm {
  let bound = instances.get(memory);
  if (bound) return bound;
  compiled ??= new WebAssembly.Module(Buffer.from(gaussianWasmBase64, 'base64'));
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
  const maha4 = exports.maha4 as (...args: number[]) => void;
  const scatter = exports.scatter as (...args: number[]) => void;
  const maha2 = exports.maha2 as (...args: number[]) => void;
  const moments2 = exports.moments2 as (...args: number[]) => void;
  const weight = exports.weight as (...args: number[]) => void;
  const softmax = exports.softmax as (...args: number[]) => void;
  const mahaDiag = exports.mahaDiag as (...args: number[]) => void;
  const momentsDiag = exports.momentsDiag as (...args: number[]) => void;
  const lse = exports.lse as (...args: number[]) => void;
  const estep = exports.estep as (...args: number[]) => void;
  bound = {
    maha4: (x, groups, D, Dp, u, c, out, outStride) =>
      maha4(8 * x, groups, D, Dp, 8 * u, 8 * c, 8 * out, 8 * outStride),
    scatter: (w, x, rows, xStride, Dp, s) => scatter(8 * w, 8 * x, rows, xStride, Dp, 8 * s),
    maha2: (x, groups, D, u, c, out, outStride) => maha2(8 * x, groups, D, 8 * u, 8 * c, 8 * out, 8 * outStride),
    moments2: (x, rows, D, mu, r, rStride, sx, s, nk) =>
      moments2(8 * x, rows, D, 8 * mu, 8 * r, rStride, 8 * sx, 8 * s, 8 * nk),
    weight: (x, rows, D, Dp, mu, r, rStride, d, w, sx, nk) =>
      weight(8 * x, rows, D, Dp, 8 * mu, 8 * r, rStride, 8 * d, 8 * w, 8 * sx, 8 * nk),
    softmax: (L, rows, K, Kp, lc, mOut, sOut, tOut, E) =>
      softmax(8 * L, rows, K, Kp, 8 * lc, 8 * mOut, 8 * sOut, 8 * tOut, 8 * E),
    mahaDiag: (x, rows, D, D2, mu, p, out, outStride) =>
      mahaDiag(8 * x, rows, D, D2, 8 * mu, 8 * p, 8 * out, 8 * outStride),
    momentsDiag: (x, rows, D, D2, mu, r, rStride, sx, sxx, nk) =>
      momentsDiag(8 * x, rows, D, D2, 8 * mu, 8 * r, rStride, 8 * sx, 8 * sxx, 8 * nk),
    lse: (L, rows, K, Kp, lc, mOut, sOut, tOut, E, rec) =>
      lse(8 * L, rows, K, Kp, 8 * lc, 8 * mOut, 8 * sOut, 8 * tOut, 8 * E, 8 * rec),
    estep: (x, rows, D, Dp, K, Kp, lc, mu, c, u, L, m, s, t, E, d, w, sx, sacc, nk, R, rec) =>
      estep(
        8 * x,
        rows,
        D,
        Dp,
        K,
        Kp,
        8 * lc,
        8 * mu,
        8 * c,
        8 * u,
        8 * L,
        8 * m,
        8 * s,
        8 * t,
        8 * E,
        8 * d,
        8 * w,
        8 * sx,
        8 * sacc,
        8 * nk,
        R < 0 ? -1 : 8 * R,
        8 * rec,
      ),
  };
  instances.set(memory, bound);
  return bound;
}
