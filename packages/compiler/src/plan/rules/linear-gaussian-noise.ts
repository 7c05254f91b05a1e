/** The noise sd of a Normal whose mean is affine in a linear-Gaussian latent (FA's psi, diagonal): expected squared residuals. */
import { gaussianLatentsInMean, scaleForm, sdDenominator, squaredResidual } from './gaussian-forms.js';
import { element, matchSlot, residual, weightedSum, weightTotal } from './notation.js';
import type { UpdateRule } from './update-rule.js';

export const linearGaussianNoise: UpdateRule = {
  id: 'linear-gaussian-noise',
  update: 'closed-form',
  matches: 'the sd of a Normal whose mean is affine in a linear-Gaussian latent (factor-analysis noise)',
  match(ctx) {
    const occurrences = matchSlot(ctx, 'Normal', 'sd');
    const first = occurrences?.[0];
    if (!first) return undefined;
    const latents = gaussianLatentsInMean(first, ctx);
    if (latents.length === 0) return undefined;
    const mean = first.factor.args[0]?.text ?? 'mean';
    const expected = `E[${squaredResidual(first, ctx, residual(first.factor.target, mean))}]`;
    return {
      reason: `${scaleForm(first, ctx)} noise of a linear-Gaussian model: expected squared residuals under the posterior of ${latents.join(', ')}, in closed form`,
      formula: `${element(first, ctx.param.name)}² = ${weightedSum(first, expected)} / ${sdDenominator(first, ctx, weightTotal(first))}`,
      statistics: [
        { name: 'expected squared residuals', formula: weightedSum(first, expected) },
        {
          name: `posterior moments of ${latents.join(', ')}`,
          formula: latents.map((l) => `E[${l}], E[${l} ${l}ᵀ]`).join('; '),
        },
      ],
    };
  },
};
