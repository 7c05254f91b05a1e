/**
 * The MvNormal distribution: a real vector with the given mean vector and covariance matrix.
 * Statistics Σ w x (length D) then Σ w x xᵀ (D·D, row-major); MLE the weighted mean and
 * (two-pass) covariance. MAP: the joint mode under a normal-inverse-Wishart prior in closed
 * form; under independent MvNormal (mean) and InvWishart (cov) priors, the mean's conditional
 * mode given the current covariance, then the covariance's given that mean (ECM).
 */
import { choleskyInto, inverseFromCholesky, mahalanobis, solveCholesky } from '../math/cholesky.js';
import { sampleMvNormalChol } from '../random/continuous.js';
import { factorCovariance, findPrior, num, requireWeight, vec } from './fit-helpers.js';
import type { ExponentialFamilyNumerics, FitOptions, NumericValue, PriorOn } from './numerics.js';
import type { DistributionSpec } from './spec.js';

const LOG_2PI = 1.8378770664093453;

/**
 * log MvNormal(x | mean, L Lᵀ) for kernels: no allocation, the factor computed once per state.
 * @param x shape [n, d], the item read from `xOffset`
 * @param mean shape [d], read from `meanOffset`
 * @param chol shape [d, d], lower Cholesky factor of the covariance
 * @param logDet log |cov|
 * @param work shape [d], scratch
 */
export function mvNormalLogDensityChol(
  x: ArrayLike<number>,
  xOffset: number,
  mean: ArrayLike<number>,
  meanOffset: number,
  chol: Float64Array,
  logDet: number,
  d: number,
  work: Float64Array,
): number {
  const q = mahalanobis(x, xOffset, mean, meanOffset, chol, d, work);
  return Number.isFinite(q) ? -0.5 * (d * LOG_2PI + logDet + q) : Number.NEGATIVE_INFINITY;
}

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const mean = vec(params[0]);
  const d = mean.length;
  if (typeof x === 'number' || x.length !== d) return Number.NEGATIVE_INFINITY;
  const f = factorCovariance(vec(params[1]), d);
  if (!f) return Number.NEGATIVE_INFINITY;
  return mvNormalLogDensityChol(x, 0, mean, 0, f.chol, f.logDet, d, new Float64Array(d));
}

/** Σ_n w (x − μ)(x − μ)ᵀ from the raw statistics: S − μ sᵀ − s μᵀ + W μ μᵀ (symmetric). */
function scatterAbout(stats: Float64Array, weight: number, mu: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      out[i * d + j] = stats[d + i * d + j]! - mu[i]! * stats[j]! - stats[i]! * mu[j]! + weight * mu[i]! * mu[j]!;
    }
  }
  return symmetrize(out, d);
}

function symmetrize(a: Float64Array, d: number): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (a[i * d + j]! + a[j * d + i]!);
      a[i * d + j] = m;
      a[j * d + i] = m;
    }
  }
  return a;
}

/** The mean's conditional mode under an MvNormal(m0, S0) prior given covariance `cov`. */
function meanGivenCov(stats: Float64Array, weight: number, d: number, prior: PriorOn, cov: Float64Array): Float64Array {
  const m0 = vec(prior.params[0]);
  const s0 = vec(prior.params[1]);
  const l0 = new Float64Array(d * d);
  const l = new Float64Array(d * d);
  if (!choleskyInto(s0, l0, d) || !choleskyInto(cov, l, d)) {
    throw new RangeError('MvNormal MAP: the prior covariance or the current covariance is not positive definite');
  }
  const work = new Float64Array(d);
  const p0 = new Float64Array(d * d);
  const p = new Float64Array(d * d);
  inverseFromCholesky(l0, d, p0, work);
  inverseFromCholesky(l, d, p, work);
  const b0 = new Float64Array(m0);
  solveCholesky(l0, d, b0);
  const b = stats.slice(0, d);
  solveCholesky(l, d, b);
  const a = p0.map((v, i) => v + weight * p[i]!);
  const rhs = b0.map((v, i) => v + b[i]!);
  const la = new Float64Array(d * d);
  choleskyInto(a, la, d);
  solveCholesky(la, d, rhs);
  return rhs;
}

function mapUpdate(
  stats: Float64Array,
  weight: number,
  d: number,
  priors: readonly PriorOn[],
  options?: FitOptions,
): NumericValue[] {
  const joint = findPrior(priors, 'mean,cov', ['NormalInvWishart'], 'MvNormal');
  if (joint) {
    const m0 = vec(joint.params[0]);
    const kappa = num(joint.params[1]);
    const nu = num(joint.params[2]);
    const psi = vec(joint.params[3]);
    const mu = m0.map((m, i) => (kappa * m + stats[i]!) / (kappa + weight));
    const s = scatterAbout(stats, weight, mu, d);
    const cov = s.map((v, ij) => {
      const i = Math.floor(ij / d);
      const j = ij % d;
      return (psi[ij]! + v + kappa * (mu[i]! - m0[i]!) * (mu[j]! - m0[j]!)) / (weight + nu + d + 2);
    });
    return [mu, symmetrize(cov, d)];
  }
  const meanPrior = findPrior(priors, 'mean', ['MvNormal'], 'MvNormal');
  const covPrior = findPrior(priors, 'cov', ['InvWishart'], 'MvNormal');
  let mu: Float64Array = stats.slice(0, d).map((s) => s / weight);
  if (meanPrior) {
    const current = options?.current?.[1];
    const cov = current instanceof Float64Array ? current : vec(exponentialFamily.mleFromStats(stats, weight, d)[1]);
    mu = meanGivenCov(stats, weight, d, meanPrior, cov);
  }
  const s = scatterAbout(stats, weight, mu, d);
  if (!covPrior) return [mu, s.map((v) => v / weight)];
  const nu = num(covPrior.params[0]);
  const psi = vec(covPrior.params[1]);
  return [mu, s.map((v, ij) => (psi[ij]! + v) / (weight + nu + d + 1))];
}

const exponentialFamily: ExponentialFamilyNumerics = {
  known: [],
  statSize: (d) => d + d * d,
  accumulate(stats, values, offset, d, w) {
    for (let i = 0; i < d; i++) {
      const xi = values[offset + i]!;
      stats[i] = stats[i]! + w * xi;
      const row = d + i * d;
      for (let j = 0; j < d; j++) stats[row + j] = stats[row + j]! + w * xi * values[offset + j]!;
    }
  },
  mleFromStats(stats, weight, d) {
    requireWeight(weight, 'MvNormal');
    const mu = stats.slice(0, d).map((s) => s / weight);
    return [mu, scatterAbout(stats, weight, mu, d).map((v) => v / weight)];
  },
  weightedMle(values, weights, d) {
    let weight = 0;
    const mu = new Float64Array(d);
    for (let n = 0; n < weights.length; n++) {
      weight += weights[n]!;
      for (let i = 0; i < d; i++) mu[i] = mu[i]! + weights[n]! * values[n * d + i]!;
    }
    requireWeight(weight, 'MvNormal');
    for (let i = 0; i < d; i++) mu[i] = mu[i]! / weight;
    const cov = new Float64Array(d * d);
    for (let n = 0; n < weights.length; n++) {
      const w = weights[n]!;
      for (let i = 0; i < d; i++) {
        const ri = values[n * d + i]! - mu[i]!;
        for (let j = 0; j <= i; j++) cov[i * d + j] = cov[i * d + j]! + w * ri * (values[n * d + j]! - mu[j]!);
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        cov[i * d + j] = cov[i * d + j]! / weight;
        cov[j * d + i] = cov[i * d + j]!;
      }
    }
    return [mu, cov];
  },
  mapUpdate,
};

export const mvNormal: DistributionSpec = {
  name: 'MvNormal',
  description: 'A real vector with the given mean vector and covariance matrix.',
  parameters: [
    { name: 'mean', type: 'real[D]', description: 'mean vector' },
    { name: 'cov', type: 'cov[D]', description: 'covariance matrix' },
  ],
  support: 'real[D]',
  elementwise: false,
  gaussian: { mean: 'mean', scale: 'cov', scaleKind: 'cov' },
  conjugatePriors: [
    { parameter: 'mean', prior: 'MvNormal', as: 'value' },
    { parameter: 'cov', prior: 'InvWishart', as: 'value' },
    { parameter: 'cov', prior: 'Gamma', as: 'precision' },
  ],
  numerics: {
    eventSize: (params) => vec(params[0]).length,
    logDensity,
    sample(rng, params, out) {
      const mean = vec(params[0]);
      const d = mean.length;
      const f = factorCovariance(vec(params[1]), d);
      if (!f) throw new RangeError('MvNormal: the covariance is not symmetric positive definite');
      const x = out ?? new Float64Array(d);
      sampleMvNormalChol(rng, mean, f.chol, d, x, new Float64Array(d));
      return x;
    },
    exponentialFamily,
  },
};
