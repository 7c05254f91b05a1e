/**
 * Log-density-per-state kernels, one per family: each adds log p(child[i] | args[i]) for every
 * item i to column `col` of a row-major [n, S] matrix. A kernel runs once per (factor, state);
 * the arguments of that state are `ArgView`s (a param element, a constant, or data per item).
 * Log space throughout; an impossible value gives −∞, never NaN. Vector arguments of a scalar
 * family (Normal, Poisson, …) act elementwise over a vector child, a scalar argument broadcasts.
 */
import { cholesky, logDetFromCholesky, mahalanobis } from '../math/cholesky.js';
import { lchoose, lfactorial, lgamma } from '../math/special.js';
import type { ArgView, KernelWork } from './arg-view.js';

/**
 * @param out shape [n, S], row-major; column `col` is added to
 * @param child the item's value, entries child.size
 * @param args the distribution's arguments, positional
 */
export type LogDensityKernel = (
  out: Float64Array,
  S: number,
  col: number,
  n: number,
  child: ArgView,
  args: readonly ArgView[],
  work: KernelWork,
) => void;

const NEG_INF = Number.NEGATIVE_INFINITY;
const LOG_2PI = 1.8378770664093453;

/** Entry j of an argument at item i, broadcasting a scalar over the child's entries. */
function at(v: ArgView, i: number, j: number): number {
  return v.values[v.offset + i * v.step + (v.size === 1 ? 0 : j)]!;
}

/** A scalar family applied elementwise: Σ_j f(x_ij, a_ij, b_ij). */
function elementwise(f: (x: number, a: number, b: number) => number): LogDensityKernel {
  return (out, S, col, n, child, args) => {
    const a = args[0]!;
    const b = args[1] ?? a;
    for (let i = 0; i < n; i++) {
      let lp = 0;
      for (let j = 0; j < child.size; j++) lp += f(at(child, i, j), at(a, i, j), at(b, i, j));
      out[i * S + col]! += Number.isNaN(lp) ? NEG_INF : lp;
    }
  };
}

const isCount = (x: number) => x >= 0 && Number.isInteger(x);

export function logPoisson(x: number, rate: number): number {
  if (!isCount(x) || !(rate >= 0)) return NEG_INF;
  if (rate === 0) return x === 0 ? 0 : NEG_INF;
  return x * Math.log(rate) - rate - lfactorial(x);
}

export function logBernoulli(x: number, p: number): number {
  if (x === 1) return p > 0 ? Math.log(p) : NEG_INF;
  if (x === 0) return p < 1 ? Math.log1p(-p) : NEG_INF;
  return NEG_INF;
}

export function logBinomial(x: number, trials: number, p: number): number {
  if (!isCount(x) || x > trials || !(p >= 0 && p <= 1)) return NEG_INF;
  const success = x === 0 ? 0 : p > 0 ? x * Math.log(p) : NEG_INF;
  const failure = x === trials ? 0 : p < 1 ? (trials - x) * Math.log1p(-p) : NEG_INF;
  return lchoose(trials, x) + success + failure;
}

export function logNormal(x: number, mean: number, sd: number): number {
  if (!(sd > 0)) return NEG_INF;
  const z = (x - mean) / sd;
  return -0.5 * (LOG_2PI + z * z) - Math.log(sd);
}

export function logExponential(x: number, rate: number): number {
  return x >= 0 && rate > 0 ? Math.log(rate) - rate * x : NEG_INF;
}

export function logGamma(x: number, shape: number, rate: number): number {
  if (!(x > 0 && shape > 0 && rate > 0)) return NEG_INF;
  return shape * Math.log(rate) + (shape - 1) * Math.log(x) - rate * x - lgamma(shape);
}

/** (a − 1) log x, with its limits at x = 0 (0 when a = 1, so that Beta(1, b) and Dirichlet(1, …) stay finite). */
function powerTerm(a: number, x: number): number {
  return a === 1 ? 0 : (a - 1) * Math.log(x);
}

export function logBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) return NEG_INF;
  return powerTerm(a, x) + powerTerm(b, 1 - x) + lgamma(a + b) - lgamma(a) - lgamma(b);
}

export function logLogNormal(x: number, mu: number, sd: number): number {
  if (!(x > 0)) return NEG_INF;
  const y = Math.log(x);
  return logNormal(y, mu, sd) - y;
}

/** Dirichlet(alpha): the child is a simplex of K entries; alpha has K entries, or one shared. */
const dirichlet: LogDensityKernel = (out, S, col, n, child, args) => {
  const alpha = args[0]!;
  const K = child.size;
  for (let i = 0; i < n; i++) {
    let total = 0;
    let lp = 0;
    let ok = true;
    for (let j = 0; j < K; j++) {
      const a = at(alpha, i, j);
      const x = at(child, i, j);
      if (!(a > 0) || !(x >= 0 && x <= 1)) ok = false;
      total += a;
      lp += powerTerm(a, x) - lgamma(a);
    }
    lp += lgamma(total);
    out[i * S + col]! += ok && !Number.isNaN(lp) ? lp : NEG_INF;
  }
};

/**
 * Categorical: the child is a category index c (0-based), p has K entries; log p[c]. A child of
 * d > 1 entries (the items of an inner loop, `x[n][j] ~ Categorical(prob[z[n]][j])`) reads p as
 * d rows of K = p.size / d entries and sums log p[j][c_j]. A zero probability (a 0/1 table given
 * as data) gives −∞, never NaN.
 */
const categorical: LogDensityKernel = (out, S, col, n, child, args) => {
  const p = args[0]!;
  const d = child.size;
  const K = p.size / d;
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < d; j++) {
      const c = child.values[child.offset + i * child.step + j]!;
      const pc = Number.isInteger(c) && c >= 0 && c < K ? p.values[p.offset + i * p.step + j * K + c]! : 0;
      lp += pc > 0 ? Math.log(pc) : NEG_INF;
    }
    out[i * S + col]! += lp;
  }
};

/** Multinomial: the child is a count vector (its total is the number of trials). */
const multinomial: LogDensityKernel = (out, S, col, n, child, args) => {
  const p = args.length === 2 ? args[1]! : args[0]!;
  for (let i = 0; i < n; i++) {
    let total = 0;
    let lp = 0;
    for (let j = 0; j < child.size; j++) {
      const x = child.values[child.offset + i * child.step + j]!;
      const pj = p.values[p.offset + i * p.step + j]!;
      total += x;
      lp -= lfactorial(x);
      if (x > 0) lp += pj > 0 ? x * Math.log(pj) : NEG_INF;
    }
    out[i * S + col]! += lp + lfactorial(total);
  }
};

/**
 * MvNormal with a full covariance: one Cholesky per call when the covariance is the same for
 * every item (a param element), else one per item. A covariance that is not positive definite
 * gives −∞ for every item (the driver reports it).
 */
const mvNormal: LogDensityKernel = (out, S, col, n, child, args, work) => {
  const mean = args[0]!;
  const cov = args[1]!;
  const d = child.size;
  const { chol, vec } = work;
  let logDet = 0;
  let ok = true;
  for (let i = 0; i < n; i++) {
    if (i === 0 || cov.step !== 0) {
      for (let k = 0; k < d * d; k++) chol[k] = cov.values[cov.offset + i * cov.step + k]!;
      ok = cholesky(chol, d);
      if (ok) logDet = logDetFromCholesky(chol, d);
    }
    if (!ok) {
      out[i * S + col] = NEG_INF;
      continue;
    }
    const q = mahalanobis(
      child.values,
      child.offset + i * child.step,
      mean.values,
      mean.offset + i * mean.step,
      chol,
      d,
      vec,
    );
    out[i * S + col]! += Number.isFinite(q) ? -0.5 * (d * LOG_2PI + logDet + q) : NEG_INF;
  }
};

/** Binomial(n, p): the number of trials is the first argument. */
const binomial: LogDensityKernel = (out, S, col, n, child, args) => {
  const trials = args[0]!;
  const p = args[1]!;
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < child.size; j++) lp += logBinomial(at(child, i, j), at(trials, i, j), at(p, i, j));
    out[i * S + col]! += Number.isNaN(lp) ? NEG_INF : lp;
  }
};

/** The kernel of each family the enumerate runtime supports, by the name written in models. */
export const logDensityKernels: Readonly<Record<string, LogDensityKernel>> = {
  Categorical: categorical,
  Multinomial: multinomial,
  Bernoulli: elementwise(logBernoulli),
  Binomial: binomial,
  Poisson: elementwise(logPoisson),
  Normal: elementwise(logNormal),
  Exponential: elementwise(logExponential),
  Gamma: elementwise(logGamma),
  Beta: elementwise(logBeta),
  LogNormal: elementwise(logLogNormal),
  Dirichlet: dirichlet,
  MvNormal: mvNormal,
};
