/** Coefficients of a Gaussian mean that is a linear predictor in data (`dot(X[n], beta[z[n]])`): weighted least squares. */
import { type Expr, printExpr } from '@emforge/dsl';
import type { Occurrence } from '../../analysis/graph-queries.js';
import { gaussianLatentsInMean } from './gaussian-forms.js';
import { plateSum, residual } from './notation.js';
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
    const covariate = dotCovariate(first.arg.expr, ctx.param.name);
    const selectors = first.arg.uses.filter((u) => u.kind === 'selector').map((u) => u.variable);
    const idx = first.factor.plates.map((p) => p.index).join(',');
    const w = selectors.length > 0 ? `q(${selectors.join(',')})[${idx ? `${idx},` : ''}k] ` : '';
    const sum = plateSum(first.factor);
    const target = selectors.length > 0 ? `${ctx.param.name}[k]` : ctx.param.name;
    if (!covariate) {
      return {
        reason: `linear in the mean of ${first.factor.family} (${mean}) under Gaussian noise: weighted least squares`,
        formula: `${target} = argmin ${sum}${w}(${residual(first.factor.target, mean)})²`,
        statistics: [
          {
            name: 'weighted normal equations',
            formula: `${sum}${w}(covariates covariatesᵀ, covariates ${first.factor.target})`,
          },
        ],
      };
    }
    const gram = `${sum}${w}${covariate} ${covariate}ᵀ`;
    const moment = `${sum}${w}${covariate} ${first.factor.target}`;
    return {
      reason: `linear in the mean of ${first.factor.family} (${mean}) under Gaussian noise: weighted least squares`,
      formula: `${target} = (${gram})⁻¹ ${moment}`,
      statistics: [
        { name: 'weighted Gram matrix', formula: gram },
        { name: 'weighted cross moment', formula: moment },
      ],
    };
  },
};

/** The covariate of `dot(X[n], beta[k])` (either order): the argument that is not the param. */
function dotCovariate(e: Expr, param: string): string | undefined {
  if (e.kind !== 'Call' || e.callee.name !== 'dot' || e.args.length !== 2) return undefined;
  const texts = e.args.map((a) => printExpr(a));
  const other = texts.filter((t) => !t.startsWith(`${param}[`) && t !== param);
  return other.length === 1 ? other[0] : undefined;
}
