/** Gamma rate when the shape is fixed (data or a constant): shape times total weight over the weighted sum of the values. */
import { element, matchSlot, weightedSum, weightTotal } from './notation.js';
import type { UpdateRule } from './update-rule.js';

export const gammaRate: UpdateRule = {
  id: 'gamma-rate',
  update: 'closed-form',
  matches: 'a positive param that is the rate of Gamma factors whose shape is fixed (data or a constant)',
  match(ctx) {
    const occurrences = matchSlot(ctx, 'Gamma', 'rate');
    const first = occurrences?.[0];
    if (!occurrences || !first) return undefined;
    const shapeOf = (o: (typeof occurrences)[number]) => o.factor.args[0];
    const fixed = occurrences.every((o) =>
      (shapeOf(o)?.uses ?? []).every((u) => ctx.graph.variables.get(u.variable)?.role === 'data'),
    );
    if (!fixed) return undefined;
    const shape = shapeOf(first)?.text ?? 'shape';
    const perItem = (shapeOf(first)?.uses ?? []).some((u) => u.text.includes('['));
    return {
      reason: `rate of Gamma with a fixed shape, ${first.use.kind === 'selected' ? `one per state of ${first.use.selectors.join(', ')}` : 'shared by all items (tied)'}: shape over the weighted mean in closed form`,
      // A shape given per item (`a[n]`) goes inside the weighted sum.
      formula: `${element(first, ctx.param.name)} = ${perItem ? weightedSum(first, shape) : `${shape} ${weightTotal(first)}`} / ${weightedSum(first, first.factor.target)}`,
      statistics: [
        { name: 'weighted value total', formula: weightedSum(first, first.factor.target) },
        { name: 'total weight', formula: weightTotal(first) },
      ],
    };
  },
};
