/**
 * For a param whose M-step is numeric, the objective the numeric step maximises, in the model's
 * own names: Q(param) summed over the likelihood factors the param appears in, each term weighted
 * by the E-step's posterior of the latents that select it (`Σ_n Σ_k r[n,k] log Poisson(y[n] |
 * exp(dot(X[n], beta[k])))`), or as an expectation for continuous latents, plus the log prior;
 * and how the maximisation runs (the executor's optimiser: the family's exact weighted MLE for a
 * `family-mle:<Family>` block, Newton / IRLS for a canonical-link GLM in
 * a linear predictor, else L-BFGS over the unconstrained parameterisation of the param's declared
 * type; the generalized-EM acceptance).
 */

import { childOccurrences } from '../analysis/graph-queries.js';
import type { Factor } from '../graph/model-graph.js';
import { takesMeanField } from '../lower/lower-mean-field-program.js';
import { glmNewton } from '../plan/fallback/glm-newton.js';
import type { LatentPlan, ParamPlan } from '../plan/inference-plan.js';
import type { ExplainContext } from './explain-context.js';
import { densityText, freshIndices, refsOf, type Substitution, sumOver } from './math-text.js';

/** The index expressions of a printed element reference, comma-joined (`z[d][i]` → `d,i`). */
function itemOf(ref: string): string {
  return [...ref.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '').join(',');
}

/** The latents a factor's statement mentions, with the element references used. */
function latentRefs(ctx: ExplainContext, f: Factor): { latent: LatentPlan; ref: string }[] {
  const exprs = [f.stmt.target, ...f.stmt.args];
  const out: { latent: LatentPlan; ref: string }[] = [];
  for (const latent of ctx.plan.latents) {
    const refs = [...new Set(exprs.flatMap((e) => refsOf(e, latent.name)))];
    for (const ref of refs) out.push({ latent, ref });
  }
  return out;
}

/** The posterior weight of one state of a discrete latent, named as the E-step section names it. */
function weightOf(latent: LatentPlan, ref: string, state: string): string {
  const at = [itemOf(ref), state].filter((s) => s !== '').join(',');
  if (latent.strategy === 'enumerate') return `r[${at}]`;
  if (latent.strategy === 'forward-backward') return `γ[${itemOf(ref)}](${state})`;
  return `q(${latent.name})[${at}]`;
}

/** One factor's term of Q: its plates summed, discrete latents' states weighted, continuous ones in E[·]. */
function termOf(ctx: ExplainContext, f: Factor): string {
  const refs = latentRefs(ctx, f);
  const discrete = refs.filter((r) => r.latent.states !== undefined);
  const continuous = refs.filter((r) => r.latent.states === undefined);
  const letters = freshIndices(ctx.taken, discrete.length);
  const sub: Substitution = new Map(discrete.map((r, i) => [r.ref, letters[i] ?? '?']));
  let body = `log ${densityText(f, sub)}`;
  if (continuous.length > 0) body = `E[${body}]`;
  const weights = discrete.map((r, i) => weightOf(r.latent, r.ref, letters[i] ?? '?'));
  const sums = [
    ...f.plates.map(sumOver),
    ...(letters.length === 0 ? [] : [letters.length === 1 ? `Σ_${letters[0]}` : `Σ_{${letters.join(',')}}`]),
  ];
  return [...sums, ...weights, body].join(' ');
}

/** `Q(beta) = …` (one line per factor, continued with `+`), then the log prior if any. */
export function numericObjectiveLines(ctx: ExplainContext, p: ParamPlan): string[] {
  const terms = ctx.factors.filter((f) => p.factors.includes(f.id)).map((f) => termOf(ctx, f));
  const priors = ctx.factors
    .filter((f) => f.prior && f.child === p.name)
    .map((f) => [...f.plates.map(sumOver), `log ${densityText(f, new Map())}`].join(' '));
  const all = [...terms, ...priors];
  const head = `Q(${p.name}) = `;
  const pad = ' '.repeat(head.length - 2);
  return all.map((t, i) => (i === 0 ? `${head}${t}` : `${pad}+ ${t}`));
}

const parameterisations: Record<string, (name: string) => string> = {
  real: (n) => `${n} as it is (real)`,
  positive: (n) => `log ${n} (positive)`,
  prob: (n) => `logit ${n} (a probability)`,
  simplex: (n) => `the additive log-ratios of ${n} against its last entry (a simplex)`,
  cov: (n) => `the Cholesky factor of ${n} with a log diagonal (a covariance)`,
};

/** The element type of a declaration (`[K]: real[P]` → `real`). */
function elementBase(declared: string): string | undefined {
  return declared
    .split(':')[1]
    ?.trim()
    .match(/^[a-z]+/)?.[0];
}

/** How the numeric step runs: the optimiser, the parameterisation, the acceptance. */
export function numericMethodLines(ctx: ExplainContext, p: ParamPlan): string[] {
  if (takesMeanField(ctx.plan)) {
    return [
      `- how: Newton's method on Q(${p.name}) (its part of the ELBO; the Hessian is diagonal plus rank one, so a step is cheap), each step halved until ${p.name} stays valid and Q does not decrease (the mean-field executor's M-step)`,
    ];
  }
  const variable = ctx.graph.variables.get(p.name);
  const newton =
    variable && glmNewton(ctx.graph, variable, childOccurrences(ctx.graph, p.name), ctx.ownFactors(p.name)[0]);
  if (p.rule.startsWith('family-mle:')) {
    const family = p.rule.slice('family-mle:'.length);
    const block = ctx.plan.params.filter((q) => q.rule === p.rule).map((q) => `\`${q.name}\``);
    return [
      `- how: ${family}'s exact weighted maximum likelihood, per component, with the responsibilities as weights${block.length > 1 ? `; ${block.join(', ')} together, as one block` : ''} (the family's own iteration: no L-BFGS)`,
      '- acceptance: none needed — the weighted MLE is the maximiser of Q, so EM stays exact and monotone',
    ];
  }
  if (newton?.newton) {
    const steps =
      ctx.plan.latents.length > 0
        ? "one Newton step per M-step (Lange's EM gradient algorithm: it converges at EM's own rate, and the next E-step changes the responsibilities anyway)"
        : 'repeated to convergence (no latents: one M-step is the whole maximum-likelihood fit)';
    return [
      `- how: Newton–Raphson (IRLS) from the current value, per component k: ${p.name}[k] += (Σ r·${newton.variance}·x xᵀ${ctx.ownFactors(p.name).length > 0 ? ' + prior precision' : ''})⁻¹ · ∇Q, by a Cholesky solve; ${steps} (${newton.family} with its canonical ${newton.link} link on a linear predictor: the Hessian is that cheap)`,
      '- acceptance (generalized EM): each Newton step is halved until Q does not decrease, so every step keeps or raises Q',
    ];
  }
  const base = elementBase(variable?.declared ?? '');
  const param = base ? parameterisations[base]?.(p.name) : undefined;
  const isLbfgs = (q: ParamPlan) => {
    const v = ctx.graph.variables.get(q.name);
    const n = v && glmNewton(ctx.graph, v, childOccurrences(ctx.graph, q.name), ctx.ownFactors(q.name)[0]);
    return q.update === 'numeric' && q.rule === 'numeric' && !n?.newton;
  };
  const together = ctx.plan.params.filter(isLbfgs).map((q) => `\`${q.name}\``);
  const whyNot = newton && !newton.newton ? `; not Newton / IRLS: ${newton.why}` : '';
  return [
    `- how: L-BFGS from the current value${param ? ` over ${param}` : ''}, unconstrained, with gradients of Q by reverse-mode differentiation of the model's expressions${
      together.length > 1 ? `; ${together.join(', ')} are maximised together, as one block` : ''
    }${whyNot}`,
    '- acceptance (generalized EM): every line-search step must increase Q (Armijo backtracking), and the new value is kept only if Q did not decrease from its value at the start of the step — otherwise the param stays where it was',
  ];
}
