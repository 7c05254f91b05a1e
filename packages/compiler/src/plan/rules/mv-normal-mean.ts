/** MvNormal mean: the weighted mean (weighted also by E[u] when a latent precision scales the covariance). */
import { precisionWeight } from './gaussian-forms.js';
import { element, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const mvNormalMean = makeSlotRule({
  id: 'mv-normal-mean',
  family: 'MvNormal',
  parameter: 'mean',
  matches: 'a real[D] param that is the mean of MvNormal factors',
  what: (o) => (precisionWeight(o) ? 'mean weighted by the expected precision scales' : 'weighted mean'),
  formula: (o, ctx) => {
    const u = precisionWeight(o);
    return `${element(o, ctx.param.name)} = ${weightedSum(o, `${u}${o.factor.target}`)} / ${weightTotal(o)}${u ? ` ${u.trim()}` : ''}`;
  },
  statistics: (o) => [
    { name: 'weighted sum', formula: weightedSum(o, `${precisionWeight(o)}${o.factor.target}`) },
    { name: 'total weight', formula: weightTotal(o) },
  ],
});
