/**
 * What an M-step update rule is: it declares the factor fragment it matches (`matches`), the
 * update it derives (`update` and, per match, a formula in the model's own names plus the
 * expected sufficient statistics), and explains itself (`reason`). Rules live one per file
 * and are listed, in priority order, in rules/index.ts.
 */

import type { Occurrence } from '../../analysis/graph-queries.js';
import type { StructureReport } from '../../analysis/structure-report.js';
import type { Factor, ModelGraph, RandomVariable } from '../../graph/model-graph.js';
import type { MStepUpdate, SufficientStatistic } from '../inference-plan.js';

/** Everything a rule may look at about one param. */
export interface ParamContext {
  readonly graph: ModelGraph;
  readonly structure: StructureReport;
  readonly param: RandomVariable;
  /** Appearances in likelihood factors (not in its own prior). */
  readonly occurrences: readonly Occurrence[];
  /** The param's prior statement, if it has one. */
  readonly prior?: Factor;
}

export interface RuleMatch {
  readonly reason: string;
  readonly formula: string;
  readonly statistics: readonly SufficientStatistic[];
}

export interface UpdateRule {
  readonly id: string;
  readonly update: MStepUpdate;
  /** One line: the fragment it matches, for `explain` and the rule listing. */
  readonly matches: string;
  readonly match: (ctx: ParamContext) => RuleMatch | undefined;
}
