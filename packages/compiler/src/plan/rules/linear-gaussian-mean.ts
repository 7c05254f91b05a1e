/** Loadings and offset of a Gaussian mean affine in a linear-Gaussian latent (FA, PPCA, MFA, Kalman): a regression on the latent's posterior moments. */
import type { Occurrence } from '../../analysis/graph-queries.js';
import { gaussianLatentsInMean } from './gaussian-forms.js';
import { plateSum } from './notation.js';
import type { UpdateRule } from './update-rule.js';

export const linearGaussianMean: UpdateRule = {
  id: 'linear-gaussian-mean',
  update: 'closed-form',
  matches: 'a param affine in the mean of a Gaussian factor whose mean is affine in a linear-Gaussian latent',
  match(ctx) {
    const occurrences = ctx.occurrences;
    const first = occurrences[0];
    if (!first) return undefined;
    const inMean = (o: Occurrence) => o.factor.distribution.gaussian?.mean === o.arg.name;
    const affine = (o: Occurrence) => o.use.kind === 'affine' || o.use.kind === 'direct' || o.use.kind === 'selected';
    if (!occurrences.every((o) => inMean(o) && affine(o) && gaussianLatentsInMean(o, ctx).length > 0)) return undefined;
    const latents = gaussianLatentsInMean(first, ctx);
    const l = latents.join(', ');
    const child = first.factor.target;
    const sum = plateSum(first.factor);
    return {
      reason: `affine in the mean of ${first.factor.family} with linear-Gaussian latent ${l}: regression of ${child} on E[${l}], in closed form`,
      formula: `[loadings, offset] = (${sum}${child} E[(${l}, 1)]ᵀ) (${sum}E[(${l}, 1)(${l}, 1)ᵀ])⁻¹  (${ctx.param.name} is its part)`,
      statistics: [
        { name: `cross moments with ${l}`, formula: `${sum}${child} E[(${l}, 1)]ᵀ` },
        { name: `second moments of ${l}`, formula: `${sum}E[(${l}, 1)(${l}, 1)ᵀ]` },
      ],
    };
  },
};
