/**
 * The inference plan: for each latent its E-step strategy and for each param its M-step
 * update, each with a one-sentence reason a user understands, plus what `explain`, codegen and
 * the runtime need (the rule id, the formula in the model's own names, the expected sufficient
 * statistics). Made by `plan-inference.ts` from the graph and the structure report.
 */
import type { NodeId, Span } from '@emforge/dsl';

/** DESIGN.md's E-step table, one value per row (direct ML has no latent and so no entry). */
export type EStepStrategy =
  | 'enumerate'
  | 'forward-backward'
  | 'gaussian'
  | 'missing-gaussian'
  | 'conjugate'
  | 'mean-field'
  | 'variational';

/** DESIGN.md's M-step table. */
export type MStepUpdate = 'closed-form' | 'closed-form-map' | 'weighted-least-squares' | 'numeric';

export interface LatentPlan {
  readonly name: string;
  readonly strategy: EStepStrategy;
  readonly reason: string;
  /** Whether the E-step is exact (false for `mean-field` and `variational`). */
  readonly exact: boolean;
  /** The number of states of a discrete latent (`K`). */
  readonly states?: string;
  /** Latents of the same item enumerated jointly with this one (product space). */
  readonly jointWith: readonly string[];
  /** The posterior quantities the E-step produces, as formulas (`r[n,k] = p(z[n]=k | x[n])`). */
  readonly posteriors: readonly string[];
  /** The factors involved (the latent's own and its children's). */
  readonly factors: readonly NodeId[];
}

/** An expected sufficient statistic an update needs, in the model's names. */
export interface SufficientStatistic {
  readonly name: string;
  readonly formula: string;
}

/** A prior statement on a param. */
export interface PriorInfo {
  readonly family: string;
  readonly text: string;
  readonly conjugate: boolean;
  readonly factor: NodeId;
}

export interface ParamPlan {
  readonly name: string;
  readonly update: MStepUpdate;
  readonly reason: string;
  /** The id of the update rule (`categorical-probabilities`), or of the numeric fallback (`numeric`). */
  readonly rule: string;
  /** The update as a formula in the model's own names (`weights[k] = Σ_n r[n,k] / N`). */
  readonly formula: string;
  readonly statistics: readonly SufficientStatistic[];
  /** Whether the update maximises the expected complete-data objective exactly. */
  readonly exact: boolean;
  readonly prior?: PriorInfo;
  /** The likelihood factors the param appears in (priors excluded). */
  readonly factors: readonly NodeId[];
  /** Where the update's obstacle is, for a numeric update with a reason to point at. */
  readonly at?: Span;
  /**
   * What the executor runs, when it is not the update above (fallback/executor-blocks.ts): a
   * closed-form rule in a statement with an expression argument runs as a numeric step, a
   * numeric param of a family with an exact weighted MLE runs as that MLE. `emforge check`,
   * `--dump plan` and `explain` show this (`executedPlan`); the update above stays the design's
   * decision-table answer.
   */
  readonly runs?: ExecutedUpdate;
}

/** The update the executor runs instead of the planned rule. */
export interface ExecutedUpdate {
  readonly update: MStepUpdate;
  readonly rule: string;
  readonly reason: string;
  readonly formula: string;
  readonly exact: boolean;
  readonly at?: Span;
}

/** The param as the executor runs it: `runs` over the planned update (statistics dropped when replaced). */
export function executedParam(p: ParamPlan): ParamPlan {
  if (!p.runs) return p;
  const { runs, at: _at, ...rest } = p;
  return { ...rest, ...runs, statistics: [] };
}

/** The plan with every param as the executor runs it. */
export function executedPlan(plan: InferencePlan): InferencePlan {
  return plan.params.some((p) => p.runs) ? { ...plan, params: plan.params.map(executedParam) } : plan;
}

export type Objective = 'log-likelihood' | 'log-posterior' | 'elbo';

export interface InferencePlan {
  readonly model: string;
  /** In declaration order; data with missing entries appear under the data variable's name. */
  readonly latents: readonly LatentPlan[];
  /** In declaration order. */
  readonly params: readonly ParamPlan[];
  /** What EM maximises: the log-likelihood, the log posterior (with priors) or an ELBO. */
  readonly objective: Objective;
  /** True when every E-step is exact (M-steps may still be numeric, i.e. generalized EM). */
  readonly exactEStep: boolean;
  /** Short remarks for the summary and explain (e.g. StudentT data as a scale mixture). */
  readonly notes: readonly string[];
}
