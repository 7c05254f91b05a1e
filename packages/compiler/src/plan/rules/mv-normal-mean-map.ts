/**
 * A Gaussian prior on an MvNormal mean that does not involve the covariance — `mu[k] ~
 * MvNormal(m0, S0)` with constant m0 and S0, or `mu[k] ~ Normal(m0, s0)` elementwise (S0 =
 * diag(s0²)) — while the likelihood's covariance Σ is a param or data. Given Σ the prior is
 * conjugate, so the mean's update is the conditional mode in closed form:
 *
 *   (W Σ⁻¹ + S0⁻¹) mu[k] = Σ⁻¹ Σ_n r[n,k] x[n] + S0⁻¹ m0,   W = Σ_n r[n,k],
 *
 * with the current Σ; Σ is then updated at the new mean (ECM: each conditional maximisation
 * raises Q + log prior, so EM stays monotone). With the normal-inverse-Wishart pair the prior's
 * covariance is Σ / κ instead and normal-inverse-wishart-map (earlier in the table) takes it.
 */
import type { Occurrence } from '../../analysis/graph-queries.js';
import { mvNormalMean } from './mv-normal-mean.js';
import { childInExpectation, element, weightedSum, weightTotal } from './notation.js';
import type { ParamContext, UpdateRule } from './update-rule.js';

const selectorKey = (selectors: readonly string[]) => selectors.join(',');

/** The likelihood covariance argument is the same matrix for every item that uses one element of the mean. */
function covarianceFixedPerElement(ctx: ParamContext, o: Occurrence): boolean {
  const cov = o.factor.args.find((a) => a.name === 'cov');
  if (!cov) return false;
  return cov.uses.every((u) => {
    const role = ctx.graph.variables.get(u.variable)?.role;
    // The latent choosing the element (`z` in `Sigma[z[n]]`): the mean's own selector.
    if (u.kind === 'selector') return o.use.kind === 'selected' && o.use.selectors.includes(u.variable);
    if (role === 'param') {
      if (u.kind === 'selected')
        return o.use.kind === 'selected' && selectorKey(u.selectors) === selectorKey(o.use.selectors);
      return u.kind === 'direct';
    }
    // Data: a fixed matrix, not one per item (`S`, not `S[n]`).
    return role === 'data' && u.text === u.variable;
  });
}

export const mvNormalMeanMap: UpdateRule = {
  id: 'mv-normal-mean-map',
  update: 'closed-form-map',
  matches:
    'an MvNormal mean with a Gaussian prior (MvNormal, or Normal elementwise) of constant arguments, the covariance a param or data',
  match(ctx) {
    const prior = ctx.prior;
    if (!prior || (prior.family !== 'MvNormal' && prior.family !== 'Normal')) return undefined;
    // Constant prior arguments: no param, latent or per-item data.
    for (const a of prior.args) {
      if (a.uses.some((u) => ctx.graph.variables.get(u.variable)?.role !== 'data' || u.text !== u.variable))
        return undefined;
    }
    const base = mvNormalMean.match(ctx);
    if (!base || ctx.occurrences.length !== 1) return undefined;
    const o = ctx.occurrences[0]!;
    if (!covarianceFixedPerElement(ctx, o)) return undefined;
    const cov = o.factor.args.find((a) => a.name === 'cov')!;
    const [m0, s0] = prior.args.map((a) => a.text);
    const priorCov = prior.family === 'MvNormal' ? s0 : `diag((${s0})²)`;
    const mu = element(o, ctx.param.name);
    return {
      reason: `mean of MvNormal with a ${prior.family} prior of constant arguments: conjugate given the covariance, so the conditional mode in closed form (ECM: the covariance follows at the new mean)`,
      formula: `(${weightTotal(o)} Σ⁻¹ + S0⁻¹) ${mu} = Σ⁻¹ ${weightedSum(o, childInExpectation(ctx, o))} + S0⁻¹ m0, where Σ = ${cov.text} (current), m0 = ${m0}, S0 = ${priorCov}`,
      statistics: [
        ...base.statistics,
        {
          name: 'prior pseudo-statistics',
          formula: `${prior.target} ~ ${prior.family}(${prior.args.map((a) => a.text).join(', ')})`,
        },
      ],
    };
  },
};
