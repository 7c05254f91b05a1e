/** Bernoulli p: the weighted fraction of ones. */
import { element, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const bernoulliProbability = makeSlotRule({
  id: 'bernoulli-probability',
  family: 'Bernoulli',
  parameter: 'p',
  matches: 'a prob param that is the p of Bernoulli factors',
  what: 'weighted fraction of ones',
  formula: (o, ctx) => `${element(o, ctx.param.name)} = ${weightedSum(o, o.factor.target)} / ${weightTotal(o)}`,
  statistics: (o) => [
    { name: 'weighted ones', formula: weightedSum(o, o.factor.target) },
    { name: 'total weight', formula: weightTotal(o) },
  ],
});
