/**
 * The E-step of a Gaussian scale mixture (a Student-t, or a mixture of them). With
 * u[n] ~ Gamma(α_k, β_k) and x[n] | u[n], k ~ N(μ_k, Σ_k / u[n]) in d dimensions, u is
 * integrated out in closed form:
 *
 *   log p(x | k) = lgamma(α + d/2) − lgamma(α) − (d/2) log(2πβ) − ½ log|Σ_k| − (α + d/2) log(1 + δ²/(2β)),
 *   u | x, k ~ Gamma(α + d/2, β + δ²/2),  so  E[u | x, k] = (2α + d) / (2β + δ²),
 *
 * where δ² = (x − μ_k)ᵀ Σ_k⁻¹ (x − μ_k); with α = β = ν/2 this is the t density with ν degrees
 * of freedom and E[u | x, k] = (ν + d) / (ν + δ²). The component posterior comes from
 * log w_k + log p(x | k) by log-sum-exp; the objective is the exact observed-data log-likelihood.
 * When ν is a param the E-step also gives E[log u | x, k] = ψ(α + d/2) − log(β + δ²/2), which
 * the ν update needs (student-t-nu.ts).
 */

import type { ParamValues } from '../em/mixture.js';
import { normalizeResponsibilities, responsibilityEntropy } from '../kernels/responsibilities.js';
import { cholesky, logDetFromCholesky, mahalanobis } from '../math/cholesky.js';
import { digamma } from '../math/special.js';
import { loadScaleMixtureParams, type ScaleMixtureModel } from './bind-scale-mixture.js';

export interface ScaleMixtureStats {
  readonly logLik: number;
  readonly entropy: number;
}

/**
 * Factors every component's scale into `model.chol` and `model.logDet` (NaN when a scale matrix
 * is not positive definite, or an sd not positive: that component then has density 0).
 */
export function factorScales(model: ScaleMixtureModel): void {
  const { d, K, scale, chol, logDet, program } = model;
  const size = d * d;
  for (let k = 0; k < K; k++) {
    const e = model.scaleOf(k);
    const l = model.cholViews[k]!;
    if (program.form === 'univariate') {
      const sd = scale[e]!;
      l[0] = sd;
      logDet[k] = sd > 0 && Number.isFinite(sd) ? 2 * Math.log(sd) : Number.NaN;
      continue;
    }
    for (let j = 0; j < size; j++) chol[k * size + j] = scale[e * size + j]!;
    logDet[k] = cholesky(l, d) ? logDetFromCholesky(l, d) : Number.NaN;
  }
}

/**
 * Joint log densities log w_k + log p(x[i] | k) into `model.resp`, E[u | x[i], k] into
 * `model.eu` and (when ν is a param) E[log u | x[i], k] into `model.elogu`, for the current factors.
 * @returns nothing; resp, eu and elogu shape [n, K]
 */
export function scaleMixtureLogDensities(model: ScaleMixtureModel): void {
  const { n, d, K, x, location, weights, alpha, beta, logConst, logDet, resp, eu, elogu, work } = model;
  const withLog = elogu.length > 0;
  for (let k = 0; k < K; k++) {
    const l = model.cholViews[k]!;
    const mean = model.locationOf(k) * d;
    const a = alpha[k]!;
    const b2 = 2 * beta[k]!;
    const power = a + d / 2;
    const ok = Number.isFinite(logDet[k]!) && weights[k]! > 0;
    const base = Math.log(weights[k]!) + logConst[k]! - 0.5 * logDet[k]!;
    const psi = withLog ? digamma(power) : 0;
    for (let i = 0; i < n; i++) {
      const at = i * K + k;
      if (!ok) {
        resp[at] = Number.NEGATIVE_INFINITY;
        eu[at] = 0;
        if (withLog) elogu[at] = 0;
        continue;
      }
      const q = mahalanobis(x, i * d, location, mean, l, d, work);
      resp[at] = base - power * Math.log1p(q / b2);
      eu[at] = (2 * a + d) / (b2 + q);
      if (withLog) elogu[at] = psi - Math.log(0.5 * (b2 + q));
    }
  }
}

/** The E-step at `values`: responsibilities, E[u], the log-likelihood and the objective. */
export function eStepScaleMixture(
  model: ScaleMixtureModel,
  values: ParamValues,
): { objective: number; stats: ScaleMixtureStats } {
  loadScaleMixtureParams(model, values);
  factorScales(model);
  scaleMixtureLogDensities(model);
  const logLik = normalizeResponsibilities(model.resp, model.n, model.K, model.itemLogLik);
  const objective = Number.isNaN(logLik) ? Number.NEGATIVE_INFINITY : logLik;
  return { objective, stats: { logLik: objective, entropy: model.K > 1 ? responsibilityEntropy(model.resp) : 0 } };
}

/** E[u[i] | x[i]] = Σ_k r[i, k] E[u | x[i], k], at the last E-step; shape [n]. */
export function expectedPrecisions(model: ScaleMixtureModel): Float64Array {
  const { n, K, resp, eu } = model;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += resp[i * K + k]! * eu[i * K + k]!;
    out[i] = s;
  }
  return out;
}
