/** Normal mean (also elementwise over a vector child): the weighted mean. */
import { childInExpectation, element, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const normalMean = makeSlotRule({
  id: 'normal-mean',
  family: 'Normal',
  parameter: 'mean',
  matches: 'a real param that is the mean of Normal factors',
  what: 'weighted mean',
  formula: (o, ctx) =>
    `${element(o, ctx.param.name)} = ${weightedSum(o, childInExpectation(ctx, o))} / ${weightTotal(o)}`,
  statistics: (o, ctx) => [
    { name: 'weighted sum', formula: weightedSum(o, childInExpectation(ctx, o)) },
    { name: 'total weight', formula: weightTotal(o) },
  ],
});
