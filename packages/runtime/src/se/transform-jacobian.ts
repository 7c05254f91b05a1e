/**
 * Jacobians of the inverse element transforms of em/unconstrained.ts (unconstrained u → declared
 * element x), in closed form at the element x, for the delta method: Var(x) ≈ J Var(u) Jᵀ.
 * Shapes: `out` is row-major [size, free] (one row per declared entry, one column per
 * unconstrained coordinate), `size` = the element's entries, `free` = `transforms[t].free(size)`.
 * - `real` (and the integer types): the identity.
 * - `positive` x = e^u: ∂x/∂u = x. `prob` x = logistic(u): ∂x/∂u = x(1 − x).
 * - `simplex[K]`, additive log-ratio against the last entry, x_i = e^{u_i} / (1 + Σ_j e^{u_j}):
 *   ∂x_i/∂u_j = x_i(δ_ij − x_j) for every i (x_K included, where δ_Kj = 0), so all K entries
 *   get a standard error.
 * - `cov[D]`, Σ = L Lᵀ with u the rows of L's lower triangle (diagonal as log): ∂Σ_ab/∂L_ij =
 *   δ_ai L_bj + δ_bi L_aj, times L_ii for a diagonal coordinate.
 */
import type { TypeBase } from '../distributions/type-pattern.js';

type Jacobian = (x: Float64Array, out: Float64Array) => void;

const identity: Jacobian = (x, out) => {
  out.fill(0);
  for (let i = 0; i < x.length; i++) out[i * x.length + i] = 1;
};

const diagonal =
  (derivative: (x: number) => number): Jacobian =>
  (x, out) => {
    out.fill(0);
    for (let i = 0; i < x.length; i++) out[i * x.length + i] = derivative(x[i]!);
  };

const simplex: Jacobian = (x, out) => {
  const k = x.length;
  const free = k - 1;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < free; j++) out[i * free + j] = x[i]! * ((i === j ? 1 : 0) - x[j]!);
  }
};

/** The lower Cholesky factor of the d×d matrix x, row-major; false when x is not positive definite. */
function choleskyOf(x: Float64Array, d: number, l: Float64Array): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = x[i * d + j]!;
      for (let m = 0; m < j; m++) s -= l[i * d + m]! * l[j * d + m]!;
      if (i === j && !(s > 0)) return false;
      l[i * d + j] = i === j ? Math.sqrt(s) : s / l[j * d + j]!;
    }
  }
  return true;
}

const covariance: Jacobian = (x, out) => {
  const d = Math.round(Math.sqrt(x.length));
  const free = (d * (d + 1)) / 2;
  const l = new Float64Array(d * d);
  out.fill(0);
  if (!choleskyOf(x, d, l)) {
    out.fill(Number.NaN);
    return;
  }
  let k = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++, k++) {
      const scale = i === j ? l[i * d + i]! : 1;
      // Σ_ab = Σ_m L_am L_bm: moving L_ij changes row i and column i of Σ.
      for (let b = 0; b < d; b++) {
        out[(i * d + b) * free + k]! += scale * l[b * d + j]!;
        out[(b * d + i) * free + k]! += scale * l[b * d + j]!;
      }
    }
  }
};

export const transformJacobians: Readonly<Record<TypeBase, Jacobian>> = {
  real: identity,
  int: identity,
  count: identity,
  cat: identity,
  positive: diagonal((x) => x),
  prob: diagonal((x) => x * (1 - x)),
  simplex,
  cov: covariance,
};
