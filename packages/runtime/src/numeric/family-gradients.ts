/**
 * Derivatives of each family's log density with respect to its arguments, for the numeric
 * M-step: `argumentGradients[family]` adds w_i · ∂ log p(x_i | args_i) / ∂ arg_k to the adjoint
 * of every argument k that has one (the seeds of the argument tapes), with w_i = r[i, s] the
 * responsibility of the state the arguments belong to. They mirror the kernels in
 * kernels/log-density.ts (same argument order, same elementwise broadcasting over a vector
 * child). `childGradients[family]` is ∂ log p(x | args) / ∂ x for a constant-argument prior on a
 * param (the MAP objective), `vectorChildGradients[family]` the same for a vector param with a
 * multivariate prior (MvNormal). Items with zero weight are skipped (their log density may be −∞).
 * MvNormal(mean, cov): ∂/∂mean = Σ⁻¹(x − mean), ∂/∂Σ = ½ (Σ⁻¹(x − mean)(x − mean)ᵀΣ⁻¹ − Σ⁻¹),
 * the derivative of −½ log|Σ| − ½ (x − mean)ᵀΣ⁻¹(x − mean) in every entry of Σ (a symmetric
 * matrix; the chain rule through Σ = L Lᵀ is in numeric-m-step.ts).
 */
import type { ArgView } from '../kernels/arg-view.js';
import { cholesky, inverseFromCholesky, solveCholesky } from '../math/cholesky.js';
import { digamma } from '../math/special.js';

/** The adjoint an argument's derivative is added to, laid out as the argument's tape output. */
export interface Seed {
  readonly adj: Float64Array;
  /** True when the argument varies per item (adjoint n·size), else one value (size). */
  readonly perItem: boolean;
  readonly size: number;
}

export type ArgumentGradient = (
  child: ArgView,
  args: readonly ArgView[],
  seeds: readonly (Seed | undefined)[],
  n: number,
  resp: Float64Array,
  S: number,
  s: number,
) => void;

const at = (v: ArgView, i: number, j: number) => v.values[v.offset + i * v.step + (v.size === 1 ? 0 : j)]!;
const add = (seed: Seed | undefined, i: number, j: number, value: number) => {
  if (seed) seed.adj[(seed.perItem ? i * seed.size : 0) + (seed.size === 1 ? 0 : j)]! += value;
};

/** A scalar family applied elementwise: `d(x, a, b, out)` writes ∂/∂a and ∂/∂b into out. */
function elementwise(d: (x: number, a: number, b: number, out: Float64Array) => void): ArgumentGradient {
  const out = new Float64Array(2);
  return (child, args, seeds, n, resp, S, s) => {
    const a = args[0]!;
    const b = args[1] ?? a;
    for (let i = 0; i < n; i++) {
      const w = resp[i * S + s]!;
      if (w === 0) continue;
      for (let j = 0; j < child.size; j++) {
        d(at(child, i, j), at(a, i, j), at(b, i, j), out);
        add(seeds[0], i, j, w * out[0]!);
        add(seeds[1], i, j, w * out[1]!);
      }
    }
  };
}

const bernoulli = elementwise((x, p, _b, out) => {
  out[0] = x === 1 ? 1 / p : -1 / (1 - p);
});

const poisson = elementwise((x, rate, _b, out) => {
  out[0] = x / rate - 1;
});

const normal = elementwise((x, mean, sd, out) => {
  const z = (x - mean) / sd;
  out[0] = z / sd;
  out[1] = (z * z - 1) / sd;
});

const logNormal = elementwise((x, mu, sd, out) => {
  const z = (Math.log(x) - mu) / sd;
  out[0] = z / sd;
  out[1] = (z * z - 1) / sd;
});

const exponential = elementwise((x, rate, _b, out) => {
  out[0] = 1 / rate - x;
});

const gamma = elementwise((x, shape, rate, out) => {
  out[0] = Math.log(rate) + Math.log(x) - digamma(shape);
  out[1] = shape / rate - x;
});

const beta = elementwise((x, a, b, out) => {
  const ab = digamma(a + b);
  out[0] = Math.log(x) - digamma(a) + ab;
  out[1] = Math.log1p(-x) - digamma(b) + ab;
});

/** Binomial(trials, p): the trials are data; only p has a derivative. */
const binomial: ArgumentGradient = (child, args, seeds, n, resp, S, s) => {
  const trials = args[0]!;
  const p = args[1]!;
  for (let i = 0; i < n; i++) {
    const w = resp[i * S + s]!;
    if (w === 0) continue;
    for (let j = 0; j < child.size; j++) {
      const x = at(child, i, j);
      const q = at(p, i, j);
      add(seeds[1], i, j, w * (x / q - (at(trials, i, j) - x) / (1 - q)));
    }
  }
};

/** Categorical(p): ∂ log p[c] / ∂ p[c] = 1 / p[c]; d child entries read d rows of p (as the kernel). */
const categorical: ArgumentGradient = (child, args, seeds, n, resp, S, s) => {
  const p = args[0]!;
  const seed = seeds[0];
  if (!seed) return;
  const d = child.size;
  const K = p.size / d;
  for (let i = 0; i < n; i++) {
    const w = resp[i * S + s]!;
    if (w === 0) continue;
    for (let j = 0; j < d; j++) {
      const c = child.values[child.offset + i * child.step + j]!;
      const k = j * K + c;
      seed.adj[(seed.perItem ? i * seed.size : 0) + k]! += w / p.values[p.offset + i * p.step + k]!;
    }
  }
};

/** Scratch of the MvNormal derivatives, grown to the largest dimension met (no per-item allocation). */
let mvScratch = {
  d: 0,
  l: new Float64Array(0),
  inv: new Float64Array(0),
  alpha: new Float64Array(0),
  work: new Float64Array(0),
};
function scratchFor(d: number) {
  if (mvScratch.d !== d) {
    mvScratch = {
      d,
      l: new Float64Array(d * d),
      inv: new Float64Array(d * d),
      alpha: new Float64Array(d),
      work: new Float64Array(d),
    };
  }
  return mvScratch;
}

/** MvNormal(mean, cov) over a vector child: the mean's and the covariance's derivatives. */
const mvNormal: ArgumentGradient = (child, args, seeds, n, resp, S, s) => {
  const mean = args[0]!;
  const cov = args[1]!;
  const [seedMean, seedCov] = seeds;
  if (!seedMean && !seedCov) return;
  const d = child.size;
  const { l, inv, alpha, work } = scratchFor(d);
  let ok = false;
  for (let i = 0; i < n; i++) {
    const w = resp[i * S + s]!;
    if (i === 0 || cov.step !== 0) {
      for (let k = 0; k < d * d; k++) l[k] = cov.values[cov.offset + i * cov.step + k]!;
      ok = cholesky(l, d);
      if (ok && seedCov) inverseFromCholesky(l, d, inv, work);
    }
    if (w === 0 || !ok) continue;
    for (let j = 0; j < d; j++) alpha[j] = at(child, i, j) - at(mean, i, j);
    solveCholesky(l, d, alpha);
    if (seedMean) for (let j = 0; j < d; j++) add(seedMean, i, j, w * alpha[j]!);
    if (seedCov) {
      for (let j = 0; j < d; j++)
        for (let k = 0; k < d; k++) add(seedCov, i, j * d + k, 0.5 * w * (alpha[j]! * alpha[k]! - inv[j * d + k]!));
    }
  }
};

export const argumentGradients: Readonly<Record<string, ArgumentGradient>> = {
  MvNormal: mvNormal,
  Bernoulli: bernoulli,
  Binomial: binomial,
  Poisson: poisson,
  Normal: normal,
  LogNormal: logNormal,
  Exponential: exponential,
  Gamma: gamma,
  Beta: beta,
  Categorical: categorical,
};

/** ∂ log p(x | args) / ∂ x for a scalar x and scalar constant arguments (a prior on a param). */
export const childGradients: Readonly<Record<string, (x: number, args: readonly number[]) => number>> = {
  Normal: (x, [mean = 0, sd = 1]) => -(x - mean) / (sd * sd),
  LogNormal: (x, [mu = 0, sd = 1]) => -1 / x - (Math.log(x) - mu) / (sd * sd * x),
  Exponential: (_x, [rate = 1]) => -rate,
  Gamma: (x, [shape = 1, rate = 1]) => (shape - 1) / x - rate,
  Beta: (x, [a = 1, b = 1]) => (a - 1) / x - (b - 1) / (1 - x),
};

/**
 * ∂ log p(x | args) / ∂ x added into `out` for a vector x and constant arguments (a multivariate
 * prior on a vector param): MvNormal(m, C) gives −C⁻¹(x − m).
 */
export const vectorChildGradients: Readonly<
  Record<string, (x: Float64Array, args: readonly Float64Array[], out: Float64Array) => void>
> = {
  MvNormal: (x, [m, c], out) => {
    const d = x.length;
    const l = c!.slice();
    if (!cholesky(l, d)) return;
    const r = new Float64Array(d);
    for (let j = 0; j < d; j++) r[j] = x[j]! - m![m!.length === 1 ? 0 : j]!;
    solveCholesky(l, d, r);
    for (let j = 0; j < d; j++) out[j]! -= r[j]!;
  },
};
