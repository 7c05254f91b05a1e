/**
 * Planning: turn the structure report into E-step strategies and, for each param, find its
 * M-step — the first matching rule of rules/index.ts (MAP rules when it has a prior), else the
 * numeric fallback. For the mixture executor's plans (every latent enumerated) the update is the
 * one the executor runs (fallback/executor-blocks.ts): a param in a statement with an expression
 * argument is numeric even where a rule matches, and a numeric param whose statement the family's
 * exact weighted MLE fits is planned as that MLE. Reads the graph and the report; returns a new
 * InferencePlan.
 */
import type { PhaseResult } from '@emforge/dsl';
import { childOccurrences, ownFactors } from '../analysis/graph-queries.js';
import type { StructureReport } from '../analysis/structure-report.js';
import type { ModelGraph, RandomVariable } from '../graph/model-graph.js';
import { expressionStatement, familyMle, familyMleText } from './fallback/executor-blocks.js';
import { planNumericUpdate } from './fallback/numeric-update.js';
import type { ExecutedUpdate, InferencePlan, LatentPlan, ParamPlan, PriorInfo } from './inference-plan.js';
import { latentReason, posteriorsOf, strategyOf } from './latent-reasons.js';
import { likelihoodRules, mapRules } from './rules/index.js';
import type { ParamContext } from './rules/update-rule.js';

export function planInference(graph: ModelGraph, structure: StructureReport): PhaseResult<InferencePlan> {
  const latents: LatentPlan[] = [];
  for (const facts of structure.latents.values()) {
    const v = graph.variables.get(facts.name);
    if (!v) continue;
    const strategy = strategyOf[facts.structure];
    const plan: { -readonly [K in keyof LatentPlan]: LatentPlan[K] } = {
      name: facts.name,
      strategy,
      reason: latentReason(facts, v),
      exact: strategy !== 'mean-field' && strategy !== 'variational',
      jointWith: facts.jointWith,
      posteriors: posteriorsOf(facts, v),
      factors: facts.factors,
    };
    if (facts.states !== undefined) plan.states = facts.states;
    latents.push(plan);
  }

  // The mixture executor's plans: every latent enumerated (or none), no Student-t scale mixture.
  const mixtureExecutor =
    latents.every((l) => l.strategy === 'enumerate') && structure.scaleMixtureCandidates.length === 0;
  const meanField = latents.some((l) => l.strategy === 'mean-field');
  const params = [...graph.variables.values()]
    .filter((v) => v.role === 'param')
    .map((v) => planParam(graph, structure, v, mixtureExecutor, meanField));
  const exactEStep = latents.every((l) => l.exact);
  const notes = structure.scaleMixtureCandidates.map((name) => {
    const nuIsParam = ownFactors(graph, name).some((f) =>
      f.args.some((a) => a.name === 'nu' && a.uses.some((u) => graph.variables.get(u.variable)?.role === 'param')),
    );
    const nu = nuIsParam ? 'ν is updated numerically' : 'ν is known, so every update is in closed form';
    return `${name} has a Student-t distribution: it is fitted as a Gaussian scale mixture with a latent Gamma precision per item (ECM); ${nu}`;
  });
  return {
    value: {
      model: graph.name,
      latents,
      params,
      objective: !exactEStep ? 'elbo' : params.some((p) => p.prior) ? 'log-posterior' : 'log-likelihood',
      exactEStep,
      notes,
    },
    diagnostics: [],
  };
}

function planParam(
  graph: ModelGraph,
  structure: StructureReport,
  v: RandomVariable,
  mixtureExecutor: boolean,
  meanField: boolean,
): ParamPlan {
  const own = ownFactors(graph, v.name);
  const prior = own[0];
  const occurrences = childOccurrences(graph, v.name);
  const ctx: ParamContext = prior
    ? { graph, structure, param: v, occurrences, prior }
    : { graph, structure, param: v, occurrences };
  const factors = [...new Set(occurrences.map((o) => o.factor.id))];
  const priorInfo = (conjugate: boolean): PriorInfo | undefined =>
    prior
      ? {
          family: prior.family,
          text: `${prior.target} ~ ${prior.family}(${prior.args.map((a) => a.text).join(', ')})`,
          conjugate,
          factor: prior.id,
        }
      : undefined;
  const withPrior = (p: ParamPlan, conjugate: boolean): ParamPlan => {
    const info = priorInfo(conjugate);
    return info ? { ...p, prior: info } : p;
  };

  const expression = mixtureExecutor ? expressionStatement(occurrences) : undefined;
  for (const rule of prior ? mapRules : likelihoodRules) {
    const m = rule.match(ctx);
    if (!m) continue;
    const plan: ParamPlan = {
      name: v.name,
      update: rule.update,
      reason: m.reason,
      rule: rule.id,
      formula: m.formula,
      statistics: m.statistics,
      exact: true,
      factors,
    };
    if (expression) {
      // The executor runs the statement's params numerically (executor-blocks.ts).
      const numeric = planNumericUpdate(ctx, false, { expression });
      const runs: ExecutedUpdate = {
        update: 'numeric',
        rule: 'numeric',
        reason: numeric.reason,
        formula: numeric.formula,
        exact: false,
      };
      return withPrior({ ...plan, runs: numeric.at ? { ...runs, at: numeric.at } : runs }, prior !== undefined);
    }
    return withPrior(plan, prior !== undefined);
  }
  // With a prior no MAP rule takes, the prior is what blocks a closed form only if the
  // likelihood alone would have had one.
  const likelihoodAlone = prior ? likelihoodRules.some((r) => r.match(ctx)) : false;
  const numeric = planNumericUpdate(ctx, likelihoodAlone, { meanField });
  const plan: { -readonly [K in keyof ParamPlan]: ParamPlan[K] } = {
    name: v.name,
    update: 'numeric',
    reason: numeric.reason,
    rule: 'numeric',
    formula: numeric.formula,
    statistics: [],
    exact: false,
    factors,
  };
  if (numeric.at) plan.at = numeric.at;
  if (mixtureExecutor && !prior && !expression) {
    const mle = familyMle(
      graph,
      occurrences,
      (name) => [...new Set(childOccurrences(graph, name).map((o) => o.factor))].filter((f) => !f.prior),
      (name) => ownFactors(graph, name).length > 0,
    );
    if (mle.mle) {
      plan.runs = {
        update: 'numeric',
        rule: mle.rule,
        reason: familyMleText(mle, v.name),
        formula: `(${mle.with.join(', ')}) = argmax E[log p(data, latents | ${mle.with.join(', ')})]  (exact weighted MLE of ${mle.family})`,
        exact: true,
      };
    }
  }
  return withPrior(plan, false);
}
