/**
 * The Kalman filter and smoother a generated linear-Gaussian chain fitter inlines in both forms:
 * the runtime's linear-gaussian/kalman.ts (with `symmetrize` of dense.ts and
 * `logDetFromCholesky` of math/cholesky.ts) as verbatim source, so that the generated E-step
 * performs the runtime's floating-point operations in the runtime's order.
 */
import type { StatementStructure } from './fitter-source.js';

const kalman = `/**
 * Kalman filter and Rauch–Tung–Striebel smoother for one sequence of the linear-Gaussian
 * state-space model f[0] ~ N(m0, P0), f[t] ~ N(A f[t-1] + a, Q), x[t] ~ N(C f[t] + c, R)
 * (the runtime's linear-gaussian/kalman.ts): the filter returns the innovations
 * log-likelihood Σ_t log N(x[t]; C m[t|t-1] + c, C P[t|t-1] Cᵀ + R); the smoother leaves the
 * smoothed means m[t|T], covariances P[t|T] and lag-one cross-covariances
 * Cov(f[t], f[t-1] | x) = P[t|T] J[t-1]ᵀ, J[t] = P[t|t] Aᵀ P[t+1|t]⁻¹, in the workspace.
 */
/** The model's matrices at the current params (full covariances). */
interface KalmanParams {
  readonly m0: Float64Array; // [l]
  readonly p0: Float64Array; // [l, l]
  readonly a: Float64Array; // [l, l]
  readonly aOffset: Float64Array; // [l]
  readonly q: Float64Array; // [l, l]
  readonly c: Float64Array; // [d, l]
  readonly cOffset: Float64Array; // [d]
  readonly r: Float64Array; // [d, d]
}

class KalmanWorkspace {
  /** Predicted, filtered and smoothed means, shape [T, l]. */
  readonly mp: Float64Array;
  readonly mf: Float64Array;
  readonly ms: Float64Array;
  /** Predicted, filtered and smoothed covariances, shape [T, l, l]. */
  readonly pp: Float64Array;
  readonly pf: Float64Array;
  readonly ps: Float64Array;
  /** cross[t] = Cov(f[t], f[t-1] | x) for t ≥ 1, shape [T, l, l]. */
  readonly cross: Float64Array;
  private readonly pct: Float64Array; // P Cᵀ, [l, d]
  private readonly s: Float64Array; // [d, d]
  private readonly g: Float64Array; // S⁻¹ C P, [d, l]
  private readonly e: Float64Array; // [d]
  private readonly ll: Float64Array; // [l, l]
  private readonly t1: Float64Array; // [l, l]
  private readonly t2: Float64Array; // [l, l]
  private readonly j: Float64Array; // [l, l]
  private readonly col: Float64Array; // [max(l, d)]

  constructor(
    readonly l: number,
    readonly d: number,
    readonly maxT: number,
  ) {
    const ll = l * l;
    this.mp = new Float64Array(maxT * l);
    this.mf = new Float64Array(maxT * l);
    this.ms = new Float64Array(maxT * l);
    this.pp = new Float64Array(maxT * ll);
    this.pf = new Float64Array(maxT * ll);
    this.ps = new Float64Array(maxT * ll);
    this.cross = new Float64Array(maxT * ll);
    this.pct = new Float64Array(l * d);
    this.s = new Float64Array(d * d);
    this.g = new Float64Array(d * l);
    this.e = new Float64Array(d);
    this.ll = new Float64Array(ll);
    this.t1 = new Float64Array(ll);
    this.t2 = new Float64Array(ll);
    this.j = new Float64Array(ll);
    this.col = new Float64Array(Math.max(l, d));
  }

  /**
   * Runs the filter over x[start … start + T − 1] (rows of d entries).
   * @returns the innovations log-likelihood of the sequence (−∞ when a covariance is singular)
   */
  filter(p: KalmanParams, x: Float64Array, start: number, T: number): number {
    const { l, d } = this;
    const ll2 = l * l;
    let logLik = 0;
    for (let t = 0; t < T; t++) {
      const mp = t * l;
      const pp = t * ll2;
      if (t === 0) {
        for (let i = 0; i < l; i++) this.mp[i] = p.m0[i]!;
        for (let i = 0; i < ll2; i++) this.pp[i] = p.p0[i]!;
      } else {
        const mf = (t - 1) * l;
        const pf = (t - 1) * ll2;
        for (let i = 0; i < l; i++) {
          let s = p.aOffset[i]!;
          for (let k = 0; k < l; k++) s += p.a[i * l + k]! * this.mf[mf + k]!;
          this.mp[mp + i] = s;
        }
        // P[t|t-1] = A P[t-1|t-1] Aᵀ + Q.
        for (let i = 0; i < l; i++)
          for (let k = 0; k < l; k++) {
            let s = 0;
            for (let m = 0; m < l; m++) s += p.a[i * l + m]! * this.pf[pf + m * l + k]!;
            this.t1[i * l + k] = s;
          }
        for (let i = 0; i < l; i++)
          for (let k = 0; k < l; k++) {
            let s = p.q[i * l + k]!;
            for (let m = 0; m < l; m++) s += this.t1[i * l + m]! * p.a[k * l + m]!;
            this.pp[pp + i * l + k] = s;
          }
        symmetrize(this.pp.subarray(pp, pp + ll2), l);
      }
      // S = C P Cᵀ + R, e = x − C m − c.
      for (let i = 0; i < l; i++)
        for (let k = 0; k < d; k++) {
          let s = 0;
          for (let m = 0; m < l; m++) s += this.pp[pp + i * l + m]! * p.c[k * l + m]!;
          this.pct[i * d + k] = s;
        }
      for (let i = 0; i < d; i++) {
        for (let k = 0; k <= i; k++) {
          let s = p.r[i * d + k]!;
          for (let m = 0; m < l; m++) s += p.c[i * l + m]! * this.pct[m * d + k]!;
          this.s[i * d + k] = s;
        }
        let s = x[start + t * d + i]! - p.cOffset[i]!;
        for (let m = 0; m < l; m++) s -= p.c[i * l + m]! * this.mp[mp + m]!;
        this.e[i] = s;
      }
      if (!cholesky(this.s, d)) return Number.NEGATIVE_INFINITY;
      const logDet = logDetFromCholesky(this.s, d);
      // G = S⁻¹ C P (= (P Cᵀ S⁻¹)ᵀ), column by column.
      for (let m = 0; m < l; m++) {
        for (let i = 0; i < d; i++) this.g[i * l + m] = this.pct[m * d + i]!;
      }
      solveColumns(this.s, d, this.g, l, this.col);
      // w = S⁻¹ e (in place of e), quad = eᵀ S⁻¹ e.
      const w = this.e;
      const quad = quadAndSolve(this.s, d, w);
      const mf = t * l;
      const pf = t * ll2;
      // m[t|t] = m + P Cᵀ S⁻¹ e; P[t|t] = P − P Cᵀ S⁻¹ C P.
      for (let i = 0; i < l; i++) {
        let s = this.mp[mp + i]!;
        for (let k = 0; k < d; k++) s += this.pct[i * d + k]! * w[k]!;
        this.mf[mf + i] = s;
        for (let k = 0; k < l; k++) {
          let v = this.pp[pp + i * l + k]!;
          for (let m = 0; m < d; m++) v -= this.pct[i * d + m]! * this.g[m * l + k]!;
          this.pf[pf + i * l + k] = v;
        }
      }
      symmetrize(this.pf.subarray(pf, pf + ll2), l);
      logLik += -0.5 * (d * LOG_2PI + logDet + quad);
    }
    return logLik;
  }

  /** The RTS smoother over the last filtered sequence of length T. */
  smooth(p: KalmanParams, T: number): void {
    const { l } = this;
    const ll2 = l * l;
    const last = (T - 1) * ll2;
    for (let i = 0; i < l; i++) this.ms[(T - 1) * l + i] = this.mf[(T - 1) * l + i]!;
    for (let i = 0; i < ll2; i++) this.ps[last + i] = this.pf[last + i]!;
    for (let t = T - 2; t >= 0; t--) {
      const next = (t + 1) * ll2;
      const cur = t * ll2;
      // J = P[t|t] Aᵀ P[t+1|t]⁻¹ = (P[t+1|t]⁻¹ A P[t|t])ᵀ.
      choleskyWithRidge(this.pp.subarray(next, next + ll2), this.ll, l, 1e-12);
      for (let i = 0; i < l; i++)
        for (let k = 0; k < l; k++) {
          let s = 0;
          for (let m = 0; m < l; m++) s += p.a[i * l + m]! * this.pf[cur + m * l + k]!;
          this.t1[i * l + k] = s;
        }
      solveColumns(this.ll, l, this.t1, l, this.col);
      for (let i = 0; i < l; i++) for (let k = 0; k < l; k++) this.j[i * l + k] = this.t1[k * l + i]!;
      // m[t|T] = m[t|t] + J (m[t+1|T] − m[t+1|t]).
      for (let i = 0; i < l; i++) {
        let s = this.mf[t * l + i]!;
        for (let k = 0; k < l; k++) s += this.j[i * l + k]! * (this.ms[(t + 1) * l + k]! - this.mp[(t + 1) * l + k]!);
        this.ms[t * l + i] = s;
      }
      // P[t|T] = P[t|t] + J (P[t+1|T] − P[t+1|t]) Jᵀ.
      for (let i = 0; i < l; i++)
        for (let k = 0; k < l; k++) {
          let s = 0;
          for (let m = 0; m < l; m++)
            s += this.j[i * l + m]! * (this.ps[next + m * l + k]! - this.pp[next + m * l + k]!);
          this.t2[i * l + k] = s;
        }
      for (let i = 0; i < l; i++)
        for (let k = 0; k < l; k++) {
          let s = this.pf[cur + i * l + k]!;
          for (let m = 0; m < l; m++) s += this.t2[i * l + m]! * this.j[k * l + m]!;
          this.ps[cur + i * l + k] = s;
        }
      symmetrize(this.ps.subarray(cur, cur + ll2), l);
      // Cov(f[t+1], f[t] | x) = P[t+1|T] Jᵀ.
      for (let i = 0; i < l; i++)
        for (let k = 0; k < l; k++) {
          let s = 0;
          for (let m = 0; m < l; m++) s += this.ps[next + i * l + m]! * this.j[k * l + m]!;
          this.cross[next + i * l + k] = s;
        }
    }
  }
}

/**
 * Solves A X = B in place for X, with A = L Lᵀ.
 * @param b shape [d, cols]
 * @param col scratch of at least d entries
 */
function solveColumns(chol: Float64Array, d: number, b: Float64Array, cols: number, col: Float64Array): void {
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < d; i++) col[i] = b[i * cols + j]!;
    solveCholesky(chol, d, col);
    for (let i = 0; i < d; i++) b[i * cols + j] = col[i]!;
  }
}

/** Overwrites e with S⁻¹ e and returns eᵀ S⁻¹ e (S = L Lᵀ). */
function quadAndSolve(chol: Float64Array, d: number, e: Float64Array): number {
  let q = 0;
  // Forward substitution gives y = L⁻¹ e with ‖y‖² = eᵀ S⁻¹ e.
  for (let i = 0; i < d; i++) {
    let s = e[i]!;
    for (let k = 0; k < i; k++) s -= chol[i * d + k]! * e[k]!;
    e[i] = s / chol[i * d + i]!;
    q += e[i]! * e[i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = e[i]!;
    for (let k = i + 1; k < d; k++) s -= chol[k * d + i]! * e[k]!;
    e[i] = s / chol[i * d + i]!;
  }
  return q;
}

/** a ← (a + aᵀ) / 2 for a square [d, d] matrix. */
function symmetrize(a: Float64Array, d: number): void {
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) {
      const v = (a[i * d + j]! + a[j * d + i]!) / 2;
      a[i * d + j] = v;
      a[j * d + i] = v;
    }
}

/** log |A| = 2 Σ log L_ii from the Cholesky factor L of A (shape [d, d]). */
function logDetFromCholesky(l: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(l[i * d + i]!);
  return 2 * s;
}
`;

/** The Kalman workspace and its helpers, as one raw statement. */
export function kalmanHelpers(): StatementStructure[] {
  return [{ kind: 'raw', name: 'kalman', text: kalman }];
}
