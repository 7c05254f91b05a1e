/** Normal mean (also elementwise over a vector child): the weighted mean. */
import { element, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const normalMean = makeSlotRule({
  id: 'normal-mean',
  family: 'Normal',
  parameter: 'mean',
  matches: 'a real param that is the mean of Normal factors',
  what: 'weighted mean',
  formula: (o, ctx) => `${element(o, ctx.param.name)} = ${weightedSum(o, o.factor.target)} / ${weightTotal(o)}`,
  statistics: (o) => [
    { name: 'weighted sum', formula: weightedSum(o, o.factor.target) },
    { name: 'total weight', formula: weightTotal(o) },
  ],
});
