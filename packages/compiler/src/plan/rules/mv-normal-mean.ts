/** MvNormal mean: the weighted mean (weighted also by E[u] when a latent precision scales the covariance). */

import type { Occurrence } from '../../analysis/graph-queries.js';
import { precisionWeight } from './gaussian-forms.js';
import { childInExpectation, element, plateSum, weight, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const mvNormalMean = makeSlotRule({
  id: 'mv-normal-mean',
  family: 'MvNormal',
  parameter: 'mean',
  matches: 'a real[D] param that is the mean of MvNormal factors',
  what: (o) => (precisionWeight(o) ? 'mean weighted by the expected precision scales' : 'weighted mean'),
  formula: (o, ctx) =>
    `${element(o, ctx.param.name)} = ${weightedSum(o, `${precisionWeight(o)}${childInExpectation(ctx, o)}`)} / ${total(o)}`,
  statistics: (o, ctx) => [
    { name: 'weighted sum', formula: weightedSum(o, `${precisionWeight(o)}${childInExpectation(ctx, o)}`) },
    { name: 'total weight', formula: total(o) },
  ],
});

/** `Σ_n q(z)[n,k]`, `Σ_n E[u[n]]` (precision weights alone), or both. */
function total(o: Occurrence): string {
  const u = precisionWeight(o).trim();
  if (!u) return weightTotal(o);
  const w = weight(o).trim();
  return `${plateSum(o.factor)}${w ? `${w} ` : ''}${u}`.trim();
}
