/**
 * What every section of `explain` reads: the plan, the graph and the structure report of one
 * model, with the lookups the sections share (a latent's factors, a variable's role, the index
 * letters already in use). Built once per explanation; nothing in it is mutated.
 */
import type { NodeId, VarRole } from '@emforge/dsl';
import type { LatentFacts } from '../analysis/structure-report.js';
import type { Factor, ModelGraph } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan, LatentPlan } from '../plan/inference-plan.js';

export interface ExplainContext {
  readonly outcome: PlanOutcome;
  readonly graph: ModelGraph;
  readonly plan: InferencePlan;
  /** Every factor in source order. */
  readonly factors: readonly Factor[];
  /** Every plate index letter and variable name of the model (to pick fresh index letters). */
  readonly taken: ReadonlySet<string>;
  readonly latentPlan: (name: string) => LatentPlan | undefined;
  readonly latentFacts: (name: string) => LatentFacts | undefined;
  /** The factors whose child is `name`. */
  readonly ownFactors: (name: string) => Factor[];
  /** The factors that `name` appears in as a parent (its children's factors). */
  readonly childFactors: (name: string) => Factor[];
  readonly role: (name: string) => VarRole | undefined;
}

export function makeExplainContext(outcome: PlanOutcome, graph: ModelGraph, plan: InferencePlan): ExplainContext {
  const factors = [...graph.factors.values()];
  const taken = new Set<string>(graph.variables.keys());
  for (const f of factors) for (const p of f.plates) taken.add(p.index);
  const byId = (ids: ReadonlySet<NodeId>) => factors.filter((f) => ids.has(f.id));
  return {
    outcome,
    graph,
    plan,
    factors,
    taken,
    latentPlan: (name) => plan.latents.find((l) => l.name === name),
    latentFacts: (name) => outcome.structure?.latents.get(name),
    ownFactors: (name) => factors.filter((f) => f.child === name),
    childFactors: (name) =>
      byId(new Set(graph.dependencies.filter((d) => d.parent === name && d.child !== name).map((d) => d.factor))),
    role: (name) => graph.variables.get(name)?.role,
  };
}
