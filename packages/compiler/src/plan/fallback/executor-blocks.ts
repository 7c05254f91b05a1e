/**
 * What the mixture executor actually runs for a param, decided here so that `emforge check`,
 * `emforge explain` and the lowering (lower/lower-fit-program.ts, which follows the plan) say
 * and do the same thing. Two cases where the rule a param would match on paper is not the update
 * the executor runs, for plans whose latents are all enumerated (the mixture executor's):
 * - **Expression statements.** A likelihood statement with an argument the executor evaluates
 *   as an expression of the item (`Normal(dot(X[n], beta[z[n]]), sigma[z[n]])`,
 *   `Bernoulli(logistic(…))`) has every param in it updated numerically, together: the closed
 *   forms the executor runs read plain param arguments. So `sigma` above is numeric too,
 *   although its weighted residual variance would be a closed form.
 * - **Family MLE.** A numeric param (no closed form, no prior) whose statement has only plain
 *   param arguments, each used nowhere else, selected by the same latents, of a family with an
 *   exact weighted MLE (Gamma, Beta, Dirichlet, LogNormal, …) is updated jointly with them by
 *   that MLE (`family-mle:<Family>`, packages/runtime/src/em/family-mle-m-step.ts), not by
 *   L-BFGS: an exact maximiser of Q.
 */
import type { Expr } from '@emforge/dsl';
import { printExpr } from '@emforge/dsl';
import { familyMleRule, familyMleUpdates } from '@emforge/runtime';
import type { Occurrence } from '../../analysis/graph-queries.js';
import type { Factor, FactorArgument, ModelGraph } from '../../graph/model-graph.js';

/** A statement argument the executor evaluates per item as an expression, with its statement. */
export interface ExpressionArgument {
  readonly factor: Factor;
  readonly arg: FactorArgument;
}

/**
 * True when the lowering evaluates the argument as an expression (lower-value-source.ts): an
 * operator, a call or a vector literal that reads some variable (one of numbers and sizes only
 * is a constant).
 */
export function isExpressionArgument(arg: FactorArgument): boolean {
  const e = arg.expr;
  const compound = e.kind === 'Binary' || e.kind === 'Unary' || e.kind === 'Call' || e.kind === 'VectorLit';
  return compound && arg.uses.length > 0;
}

/** The first expression argument of a likelihood statement the param appears in, if any. */
export function expressionStatement(occurrences: readonly Occurrence[]): ExpressionArgument | undefined {
  for (const { factor } of occurrences) {
    if (factor.prior) continue;
    const arg = factor.args.find(isExpressionArgument);
    if (arg) return { factor, arg };
  }
  return undefined;
}

/** How each family's exact weighted MLE runs, for the plan's reason. */
const mleMethods: Readonly<Record<string, string>> = {
  Gamma: "the shape by Newton's method on the profile log-likelihood (Minka), the rate = shape / weighted mean",
  Beta: "both shapes by Newton's method",
  Dirichlet: "the concentrations by Minka's fixed-point iteration",
  LogNormal: 'the weighted mean and sd of the logs, in closed form',
};

/** The params a plain argument names (`shape[z[n]]` → shape), with its selector text (`[z[n]]`). */
function plainParam(graph: ModelGraph, e: Expr): { name: string; selectors: string } | undefined {
  const indices: string[] = [];
  let base = e;
  while (base.kind === 'Index') {
    indices.unshift(base.indices.map(printExpr).join(', '));
    base = base.target;
  }
  if (base.kind !== 'NameRef' || graph.variables.get(base.name)?.role !== 'param') return undefined;
  return { name: base.name, selectors: indices.join('][') };
}

export type FamilyMle =
  | { readonly mle: true; readonly family: string; readonly rule: string; readonly with: readonly string[] }
  | { readonly mle: false };

/**
 * The family MLE block of a numeric param without a prior, or `{ mle: false }`. `paramFactors`
 * gives the likelihood statements a param appears in; `hasPrior` whether it has a prior.
 */
export function familyMle(
  graph: ModelGraph,
  occurrences: readonly Occurrence[],
  paramFactors: (name: string) => readonly Factor[],
  hasPrior: (name: string) => boolean,
): FamilyMle {
  const no: FamilyMle = { mle: false };
  const factors = new Set(occurrences.map((o) => o.factor));
  if (factors.size !== 1) return no;
  const factor = occurrences[0]!.factor;
  if (factor.prior || !familyMleUpdates.has(familyMleRule(factor.family))) return no;
  const plain = factor.args.map((a) => plainParam(graph, a.expr));
  if (plain.some((p) => p === undefined)) return no;
  const names = plain.map((p) => p!.name);
  if (new Set(names).size !== names.length) return no;
  if (plain.some((p) => p!.selectors !== plain[0]!.selectors)) return no;
  for (const name of names) if (hasPrior(name) || paramFactors(name).length !== 1) return no;
  return { mle: true, family: factor.family, rule: familyMleRule(factor.family), with: names };
}

/** The plan's reason for a family-MLE param. */
export function familyMleText(m: Extract<FamilyMle, { mle: true }>, name: string): string {
  const method = mleMethods[m.family] ?? `${m.family}'s weighted MLE iteration`;
  const together = m.with.length > 1 ? `, jointly for ${m.with.join(' and ')}` : '';
  return `the ${m.family} statement has no closed-form update for ${name}, and its arguments are plain params used nowhere else: ${m.family}'s exact weighted maximum likelihood per component (${method})${together} — an exact maximiser of Q, so neither L-BFGS nor a generalized-EM step is needed`;
}
