/**
 * Which numeric params the mixture executor updates by Newton / IRLS rather than L-BFGS
 * (packages/runtime/src/numeric/newton.ts recognises the same shape in the lowered program): a
 * vector of reals that appears in one statement only, as the mean argument of a GLM family under
 * its canonical inverse link applied to a dot product of a data row and a row of the param,
 *   y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))     (also Binomial(m[n], logistic(…)))
 *   y[n] ~ Poisson(exp(dot(X[n], beta[z[n]])))
 * with no prior or a Gaussian one. Its Hessian is then −Σ r·Var(y)·x xᵀ (minus the prior's
 * precision): one P×P solve per component and Newton step. For any other param, why not.
 */
import type { Expr } from '@emforge/dsl';
import type { Occurrence } from '../../analysis/graph-queries.js';
import type { Factor, ModelGraph, RandomVariable } from '../../graph/model-graph.js';

const glmFamilies: Readonly<
  Record<string, { readonly arg: number; readonly link: string; readonly variance: string }>
> = {
  Bernoulli: { arg: 0, link: 'logistic', variance: 'μ(1 − μ)' },
  Binomial: { arg: 1, link: 'logistic', variance: 'm·μ(1 − μ)' },
  Poisson: { arg: 0, link: 'exp', variance: 'μ' },
};

/** How the Newton step is described, in plan reasons and `explain`. */
export function newtonText(n: Extract<GlmNewton, { newton: true }>, name: string): string {
  return `Newton–Raphson (IRLS) on the expected complete-data log-likelihood: ${n.family} with its canonical ${n.link} link on a linear predictor in ${name}, so the Hessian −Σ r·${n.variance}·x xᵀ is cheap (one Cholesky solve of the size of ${name}'s rows per component and step; L-BFGS is not needed)`;
}

export type GlmNewton =
  | { readonly newton: true; readonly family: string; readonly link: string; readonly variance: string }
  | { readonly newton: false; readonly why: string };

/** The variable an expression names, through an index (`beta[z[n]]` → beta). */
function nameOf(e: Expr): string | undefined {
  if (e.kind === 'NameRef') return e.name;
  if (e.kind === 'Index') return nameOf(e.target);
  return undefined;
}

/** Newton for `param` when its likelihood is a canonical-link GLM in a linear predictor, else why not. */
export function glmNewton(
  graph: ModelGraph,
  param: RandomVariable,
  occurrences: readonly Occurrence[],
  prior: Factor | undefined,
): GlmNewton {
  const no = (why: string): GlmNewton => ({ newton: false, why });
  const factors = new Set(occurrences.map((o) => o.factor.id));
  if (occurrences.length !== 1 || factors.size !== 1) return no(`${param.name} appears in more than one argument`);
  const { factor, arg } = occurrences[0]!;
  const glm = glmFamilies[factor.family];
  if (!glm) return no(`${factor.family} is not a GLM family with a canonical link (Bernoulli, Binomial, Poisson)`);
  if (factor.args.indexOf(arg) !== glm.arg) return no(`${param.name} is not in the mean argument of ${factor.family}`);
  if (!/:\s*real\[[^\]]+\]\s*$/.test(param.declared)) return no(`${param.name} is not a vector of reals`);
  const e = arg.expr;
  const dot = e.kind === 'Call' && e.callee.name === glm.link && e.args.length === 1 ? e.args[0] : undefined;
  if (dot?.kind !== 'Call' || dot.callee.name !== 'dot' || dot.args.length !== 2)
    return no(
      `the ${arg.name} of ${factor.family} is not ${glm.link}(dot(…)), its canonical inverse link of a dot product`,
    );
  const names = dot.args.map(nameOf);
  const other = names[0] === param.name ? names[1] : names[1] === param.name ? names[0] : undefined;
  if (other === undefined || graph.variables.get(other)?.role !== 'data')
    return no(`the linear predictor is not dot(a data row, a row of ${param.name})`);
  for (const a of factor.args) {
    if (a === arg) continue;
    if (a.uses.some((u) => graph.variables.get(u.variable)?.role !== 'data'))
      return no(`another argument of ${factor.family} is not data`);
  }
  if (prior && prior.family !== 'Normal' && prior.family !== 'MvNormal')
    return no(`the ${prior.family} prior on ${param.name} is not Gaussian`);
  if (prior?.args.some((a) => a.uses.length > 0))
    return no(`the prior on ${param.name} has arguments that are not constants`);
  return { newton: true, family: factor.family, link: glm.link, variance: glm.variance };
}
