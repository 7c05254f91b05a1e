/** Coefficients of a Gaussian mean that is a linear predictor in data (`dot(X[n], beta[z[n]])`): weighted least squares. */
import type { Occurrence } from '../../analysis/graph-queries.js';
import { gaussianLatentsInMean } from './gaussian-forms.js';
import { element, residual, weightedSum } from './notation.js';
import type { UpdateRule } from './update-rule.js';

export const regressionCoefficients: UpdateRule = {
  id: 'regression-coefficients',
  update: 'weighted-least-squares',
  matches: 'a param in the mean of Gaussian factors through a linear predictor with data covariates (no link)',
  match(ctx) {
    const occurrences = ctx.occurrences;
    const first = occurrences[0];
    if (!first) return undefined;
    const ok = (o: Occurrence) =>
      o.factor.distribution.gaussian?.mean === o.arg.name &&
      ((o.use.kind === 'linear-predictor' && !o.use.link) || o.use.kind === 'affine') &&
      gaussianLatentsInMean(o, ctx).length === 0;
    if (!occurrences.every(ok)) return undefined;
    const mean = first.arg.text;
    return {
      reason: `linear in the mean of ${first.factor.family} (${mean}) under Gaussian noise: weighted least squares`,
      formula: `${element(first, ctx.param.name)} = argmin ${weightedSum(first, `(${residual(first.factor.target, mean)})² / sd²`)}`,
      statistics: [
        {
          name: 'weighted normal equations',
          formula: weightedSum(first, `covariates covariatesᵀ, covariates ${first.factor.target}`),
        },
      ],
    };
  },
};
