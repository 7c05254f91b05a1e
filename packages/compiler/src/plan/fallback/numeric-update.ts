/**
 * The numeric (generalized-EM) fallback for a param no closed-form rule covers, with the
 * reason a user needs: a link function, an expression building a probability vector, a
 * non-conjugate prior, or an argument with no closed-form update (a Gamma shape, StudentT ν); and
 * how: Newton / IRLS for a canonical-link GLM in a linear predictor (glm-newton.ts), else L-BFGS
 * with the reason Newton does not apply. Also the reason of a param that a closed-form rule would
 * match but that shares a statement with an expression argument (executor-blocks.ts: the mixture
 * executor updates such a statement's params numerically).
 */
import type { Span } from '@emforge/dsl';
import { studentTDegreesOfFreedom } from '../rules/student-t-scale-mixture.js';
import type { ParamContext } from '../rules/update-rule.js';
import type { ExpressionArgument } from './executor-blocks.js';
import { glmNewton, newtonText } from './glm-newton.js';

export interface NumericUpdate {
  readonly reason: string;
  readonly formula: string;
  readonly at?: Span;
}

/** The L-BFGS method, with why Newton / IRLS does not apply. */
const lbfgs = (whyNot: string) =>
  `numeric maximisation of the expected complete-data log-likelihood by L-BFGS with reverse-mode gradients — not Newton / IRLS, as this is not a canonical-link GLM block: ${whyNot}`;

/**
 * The numeric update of a param: its reason (why no closed form, and which optimiser and why),
 * formula and the span to point at.
 * @param options.expression set when a closed-form rule would match but the statement has an
 *   expression argument (executor-blocks.ts): the reason says so
 * @param options.meanField the plan runs on the mean-field executor (its own Newton iteration)
 */
export function planNumericUpdate(
  ctx: ParamContext,
  nonConjugatePrior: boolean,
  options: { readonly expression?: ExpressionArgument; readonly meanField?: boolean } = {},
): NumericUpdate {
  const name = ctx.param.name;
  const { expression } = options;
  // The mean-field executor (LDA's α) has its own Newton iteration; in the mixture executor a
  // canonical-link GLM in a linear predictor gets Newton / IRLS (glm-newton.ts), anything else L-BFGS.
  const newton = glmNewton(ctx.graph, ctx.param, ctx.occurrences, ctx.prior);
  const method = options.meanField
    ? "Newton's method on its part of the ELBO, each step halved until it does not decrease (the mean-field executor's M-step: the Hessian is diagonal plus rank one, so a step is cheap and L-BFGS is not needed)"
    : newton.newton
      ? newtonText(newton, name)
      : lbfgs(newton.why);
  const formula = `${name} = argmax E[log p(data, latents | ${name})]${ctx.prior ? ` + log p(${name})` : ''}  (numeric)`;
  if (expression) {
    const { factor, arg } = expression;
    const own = arg.uses.some((u) => u.variable === name);
    const where = own ? `${name} is inside it` : `${name} shares the statement`;
    return {
      reason: `the ${arg.name} of ${factor.family} is the expression ${arg.text} (${where}): the mixture executor updates every param of a statement with an expression argument numerically, together — its closed forms read plain param arguments; ${method}${ctx.prior ? ' plus the log prior' : ''}`,
      formula,
      at: arg.uses[0]?.span ?? factor.stmt.span,
    };
  }
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
