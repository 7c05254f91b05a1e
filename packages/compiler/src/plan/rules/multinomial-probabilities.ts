/** Multinomial probabilities: expected category totals, normalised. */
import { element, weightedSum } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const multinomialProbabilities = makeSlotRule({
  id: 'multinomial-probabilities',
  family: 'Multinomial',
  parameter: 'p',
  matches: 'a simplex param that is the p of Multinomial factors',
  what: 'normalised expected category totals',
  formula: (o, ctx) => `${element(o, ctx.param.name)} ∝ ${weightedSum(o, o.factor.target)}`,
  statistics: (o) => [{ name: 'expected totals', formula: weightedSum(o, o.factor.target) }],
});
