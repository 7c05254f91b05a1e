/**
 * The one-dimensional numeric update of the Student-t's degrees of freedom ν when ν is a param
 * (Liu & Rubin 1995, §4; McLachlan & Peel 2000, §7.5). With u[n] ~ Gamma(ν/2, ν/2), ν enters
 * the complete-data log-likelihood only through the mixing Gamma, so its part of Q separates
 * from the location and scale; per ν element e (one component, or all components sharing it):
 *
 *   Q_e(ν) = Σ_k Σ_i r[i, k] { (ν/2) log(ν/2) − lgamma(ν/2) + (ν/2 − 1) E[log u] − (ν/2) E[u] }
 *
 * with E[u], E[log u] from the E-step (at the previous ν). Q_e is strictly concave in ν, and its
 * stationary point solves the McLachlan–Peel equation
 *
 *   g(ν) = −ψ(ν/2) + log(ν/2) + 1 + c = 0,   c = Σ r (E[log u] − E[u]) / Σ r   (c ≤ −1),
 *
 * found by Newton steps on t = log ν safeguarded by bisection on a bracket, within
 * [NU_MIN, NU_MAX]: when the root lies outside, the bound is Q's maximiser on the interval.
 * The update maximises Q in ν exactly (to 1e-12 in log ν), so EM with it is still monotone in
 * the observed-data log-likelihood. (This is the ECM variant: E[log u] is taken at the old ν,
 * not ECME's direct maximisation of the observed log-likelihood in ν.)
 */
import { digamma, lgamma, trigamma } from '../math/special.js';
import { applyDegreesOfFreedom, type ScaleMixtureModel } from './bind-scale-mixture.js';

/** ν is kept in [NU_MIN, NU_MAX]; above 1000 a t is a Gaussian to every digit that matters. */
export const NU_MIN = 0.01;
export const NU_MAX = 1000;

/** g(ν) = −ψ(ν/2) + log(ν/2) + 1 + c, decreasing in ν. */
function score(nu: number, c: number): number {
  return -digamma(nu / 2) + Math.log(nu / 2) + 1 + c;
}

/** Q_e(ν) / Σ r without the terms free of ν: (ν/2)(log(ν/2) + c) − lgamma(ν/2). */
export function nuObjective(nu: number, c: number): number {
  return (nu / 2) * (Math.log(nu / 2) + c) - lgamma(nu / 2);
}

/**
 * The maximiser of `nuObjective(·, c)` on [NU_MIN, NU_MAX].
 * @param c the weighted mean of E[log u] − E[u] (at most −1)
 */
export function solveDegreesOfFreedom(c: number): number {
  let lo = Math.log(NU_MIN);
  let hi = Math.log(NU_MAX);
  if (!(score(NU_MAX, c) < 0)) return NU_MAX;
  if (!(score(NU_MIN, c) > 0)) return NU_MIN;
  let t = 0.5 * (lo + hi);
  for (let step = 0; step < 200; step++) {
    const nu = Math.exp(t);
    const g = score(nu, c);
    if (g > 0) lo = t;
    else hi = t;
    // d g / d t = 1 − (ν/2) ψ'(ν/2) < 0
    const slope = 1 - (nu / 2) * trigamma(nu / 2);
    let next = slope < 0 ? t - g / slope : Number.NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) < 1e-12 || hi - lo < 1e-12) return Math.exp(next);
    t = next;
  }
  return Math.exp(t);
}

/**
 * Updates every ν element from `model.resp`, `model.eu` and `model.elogu` (held when `fixed`),
 * then the mixing Gammas and density constants.
 */
export function updateDegreesOfFreedom(model: ScaleMixtureModel, fixed: ReadonlySet<string>): void {
  const dof = model.program.degreesOfFreedom;
  if (!dof || fixed.has(dof.name)) return;
  const { n, K, resp, eu, elogu, nu } = model;
  for (let e = 0; e < nu.length; e++) {
    let total = 0;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      if (model.nuOf(k) !== e) continue;
      for (let i = 0; i < n; i++) {
        const r = resp[i * K + k]!;
        if (r === 0) continue;
        total += r;
        sum += r * (elogu[i * K + k]! - eu[i * K + k]!);
      }
    }
    // A component without weight keeps its ν.
    if (total > 1e-12 && Number.isFinite(sum)) nu[e] = solveDegreesOfFreedom(sum / total);
  }
  applyDegreesOfFreedom(model);
}
