/** Exponential rate: total weight over the weighted sum of the values. */
import { element, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const exponentialRate = makeSlotRule({
  id: 'exponential-rate',
  family: 'Exponential',
  parameter: 'rate',
  matches: 'a positive param that is the rate of Exponential factors',
  what: 'inverse of the weighted mean',
  formula: (o, ctx) => `${element(o, ctx.param.name)} = ${weightTotal(o)} / ${weightedSum(o, o.factor.target)}`,
  statistics: (o) => [
    { name: 'weighted value total', formula: weightedSum(o, o.factor.target) },
    { name: 'total weight', formula: weightTotal(o) },
  ],
});
