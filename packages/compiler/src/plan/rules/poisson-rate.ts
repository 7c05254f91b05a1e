/** Poisson rate: the weighted mean of the counts. */
import { element, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const poissonRate = makeSlotRule({
  id: 'poisson-rate',
  family: 'Poisson',
  parameter: 'rate',
  matches: 'a positive param that is the rate of Poisson factors',
  what: 'weighted mean of the counts',
  formula: (o, ctx) => `${element(o, ctx.param.name)} = ${weightedSum(o, o.factor.target)} / ${weightTotal(o)}`,
  statistics: (o) => [
    { name: 'weighted count total', formula: weightedSum(o, o.factor.target) },
    { name: 'total weight', formula: weightTotal(o) },
  ],
});
