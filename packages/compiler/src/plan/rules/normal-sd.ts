/** Normal sd (scalar, spherical over a vector child, diagonal as positive[D], tied or per state): root of the weighted mean squared residual. */

import type { Occurrence } from '../../analysis/graph-queries.js';
import { scaleForm, sdDenominator, squaredResidual } from './gaussian-forms.js';
import { atState, element, involvesUnobserved, residual, weightedSum, weightTotal } from './notation.js';
import { makeSlotRule } from './slot-rule.js';
import type { ParamContext } from './update-rule.js';

export const normalSd = makeSlotRule({
  id: 'normal-sd',
  family: 'Normal',
  parameter: 'sd',
  matches: 'a positive param that is the sd of Normal factors (scalar, spherical, diagonal; tied or per state)',
  what: (o, ctx) => `${scaleForm(o, ctx)} standard deviation, root of the weighted mean squared residual`,
  formula: (o, ctx) =>
    `${element(o, ctx.param.name)}² = ${weightedSum(o, squares(o, ctx))} / ${sdDenominator(o, ctx, weightTotal(o))}`,
  statistics: (o, ctx) => [
    { name: 'weighted squared residuals', formula: weightedSum(o, squares(o, ctx)) },
    { name: 'total weight', formula: weightTotal(o) },
  ],
});

function squares(o: Occurrence, ctx: ParamContext): string {
  const square = squaredResidual(o, ctx, residual(o.factor.target, atState(o.factor.args[0]?.text ?? 'mean', o)));
  return involvesUnobserved(ctx, o) ? `E[${square}]` : square;
}
