/** Loadings and offset of a Gaussian mean affine in a linear-Gaussian latent (FA, PPCA, MFA, Kalman): a regression on the latent's posterior moments. */
import type { Occurrence } from '../../analysis/graph-queries.js';
import { gaussianLatentsInMean } from './gaussian-forms.js';
import { isTopLevelSum, plateSum } from './notation.js';
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
    // Per state of a selecting latent (a mixture of factor analysers, `mu[z[n]] + W[z[n]] * f[n]`):
    // the sums are weighted by the posterior of the state and the moments are those given it.
    const idx = first.factor.plates.map((p) => p.index).join(',');
    const selectors = first.use.selectors;
    const sum = `${plateSum(first.factor)}${selectors.length > 0 ? `q(${selectors.join(',')})[${idx ? `${idx},` : ''}k] ` : ''}`;
    // The latent as it appears in the mean (`f[n]`, `f[t - 1]`), with a constant 1 appended
    // when the mean also has an offset (`mu + W * f[n]`): the regressor of the M-step.
    const latentRef = first.arg.text.match(new RegExp(`\\b${latents[0] ?? ''}(\\[[^\\]]*\\])*`))?.[0] ?? l;
    const offset = isTopLevelSum(first.arg.text);
    const regressor = offset ? `(${latentRef}, 1)` : latentRef;
    const childIsLatent = ctx.graph.variables.get(first.factor.child)?.role === 'latent';
    const cross = childIsLatent ? `${sum}E[${child} ${regressor}ᵀ]` : `${sum}${child} E[${regressor}]ᵀ`;
    const second = `${sum}E[${regressor} ${regressor}ᵀ]`;
    return {
      reason: `affine in the mean of ${first.factor.family} with linear-Gaussian latent ${l}: regression of ${child} on E[${l}], in closed form`,
      formula: offset
        ? `[loadings, offset] = (${cross}) (${second})⁻¹  (${selectors.length > 0 ? `${ctx.param.name}[k]` : ctx.param.name} is its part)`
        : `${selectors.length > 0 ? `${ctx.param.name}[k]` : ctx.param.name} = (${cross}) (${second})⁻¹`,
      statistics: [
        { name: `cross moments with ${l}`, formula: cross },
        { name: `second moments of ${l}`, formula: second },
      ],
    };
  },
};
