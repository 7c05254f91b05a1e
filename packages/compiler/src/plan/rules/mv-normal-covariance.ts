/** MvNormal covariance, full per state or tied (shared), possibly divided by a latent precision (`Sigma / u[n]`). */
import { precisionWeight, scaleForm } from './gaussian-forms.js';
import { atState, element, involvesUnobserved, residual, weightedSum, weightTotal } from './notation.js';
import type { UpdateRule } from './update-rule.js';

export const mvNormalCovariance: UpdateRule = {
  id: 'mv-normal-covariance',
  update: 'closed-form',
  matches: 'a cov[D] param that is the covariance of MvNormal factors, per state or tied, possibly as Sigma / u[n]',
  match(ctx) {
    const occurrences = ctx.occurrences;
    const first = occurrences[0];
    if (!first) return undefined;
    for (const o of occurrences) {
      if (o.factor.family !== 'MvNormal' || o.arg.name !== 'cov') return undefined;
      const plain = (o.use.kind === 'direct' || o.use.kind === 'selected') && o.use.text === o.arg.text;
      if (!plain && o.use.kind !== 'scaled') return undefined;
    }
    const scatter = (o: (typeof occurrences)[number]) => {
      const mean = atState(o.factor.args[0]?.text ?? 'mean', o);
      const outer = `(${residual(o.factor.target, mean)})(${residual(o.factor.target, mean)})ᵀ`;
      // A tied covariance under a mean chosen by a latent: the scatter is an expectation.
      const latentMean =
        (o.use.kind !== 'selected' && (o.factor.args[0]?.uses ?? []).some((u) => u.kind === 'selected')) ||
        involvesUnobserved(ctx, o);
      return `${precisionWeight(o)}${latentMean ? `E[${outer}]` : outer}`;
    };
    const form = scaleForm(first, ctx);
    return {
      reason: `covariance of MvNormal (${form}${precisionWeight(first) ? ', scaled by a latent precision' : ''}): weighted scatter of the residuals in closed form`,
      formula: `${element(first, ctx.param.name)} = ${weightedSum(first, scatter(first))} / ${weightTotal(first)}`,
      statistics: [
        { name: 'weighted scatter', formula: weightedSum(first, scatter(first)) },
        { name: 'total weight', formula: weightTotal(first) },
      ],
    };
  },
};
