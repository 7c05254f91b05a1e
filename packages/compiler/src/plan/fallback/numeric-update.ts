/**
 * The numeric (generalized-EM) fallback for a param no closed-form rule covers, with the
 * reason a user needs: a link function, an expression building a probability vector, a
 * non-conjugate prior, or an argument with no closed-form update (a Gamma shape, StudentT ν); and
 * how: Newton / IRLS for a canonical-link GLM in a linear predictor (glm-newton.ts), else L-BFGS.
 */
import type { Span } from '@emforge/dsl';
import { studentTDegreesOfFreedom } from '../rules/student-t-scale-mixture.js';
import type { ParamContext } from '../rules/update-rule.js';
import { glmNewton, newtonText } from './glm-newton.js';

export interface NumericUpdate {
  readonly reason: string;
  readonly formula: string;
  readonly at?: Span;
}

const lbfgs =
  "numeric maximisation of the expected complete-data log-likelihood (L-BFGS with reverse-mode gradients, or the family's own Newton iteration where it has one)";

export function planNumericUpdate(ctx: ParamContext, nonConjugatePrior: boolean): NumericUpdate {
  const name = ctx.param.name;
  // A canonical-link GLM in a linear predictor gets Newton / IRLS (glm-newton.ts), anything else L-BFGS.
  const newton = glmNewton(ctx.graph, ctx.param, ctx.occurrences, ctx.prior);
  const method = newton.newton ? newtonText(newton, name) : lbfgs;
  const formula = `${name} = argmax E[log p(data, latents | ${name})]${ctx.prior ? ` + log p(${name})` : ''}  (numeric)`;
  if (nonConjugatePrior && ctx.prior) {
    return {
      reason: `the ${ctx.prior.family} prior on ${name} is not conjugate to its likelihood: no closed form; ${method} plus the log prior`,
      formula,
      at: ctx.prior.stmt.span,
    };
  }
  const nu = studentTDegreesOfFreedom.match(ctx);
  if (nu) return { reason: nu.reason, formula: nu.formula, at: ctx.occurrences[0]!.use.span };
  const linked = ctx.occurrences.find((o) => o.use.link !== undefined);
  if (linked) {
    return {
      reason: `${linked.use.link} link: no closed form; ${method}`,
      formula,
      at: linked.use.span,
    };
  }
  const built = ctx.occurrences.find((o) => o.use.kind === 'expression');
  if (built) {
    return {
      reason: `the ${built.arg.name} of ${built.factor.family} is built from ${name} by an expression (${built.use.text}): no closed form; ${method}`,
      formula,
      at: built.use.span,
    };
  }
  const first = ctx.occurrences[0];
  if (first) {
    return {
      reason: `the ${first.arg.name} of ${first.factor.family} has no closed-form update: ${method}`,
      formula,
      at: first.use.span,
    };
  }
  return { reason: `${name} appears in no likelihood factor: it is kept at its initial value or prior mode`, formula };
}
