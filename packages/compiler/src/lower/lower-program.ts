/**
 * Lowers a plan to the program its E-step needs: the first row of `lowerers` whose test takes
 * the plan lowers it (a chain to forward–backward, …); a plan no row takes goes to the mixture
 * lowering (`lowerFitProgram`: finite latents enumerated per item, or none). Each lowering
 * reports what it cannot run as one E5001 diagnostic naming the obstacle.
 */
import type { PhaseResult } from '@emforge/dsl';
import type { Program } from '@emforge/runtime';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan } from '../plan/inference-plan.js';
import { isChainPlan, lowerChainProgram } from './lower-chain-program.js';
import { lowerFitProgram } from './lower-fit-program.js';
import { lowerLinearGaussianProgram, takesLinearGaussian } from './lower-linear-gaussian-program.js';
import { lowerMeanFieldProgram, takesMeanField } from './lower-mean-field-program.js';
import { lowerMissingProgram, takesMissingPlan } from './lower-missing-program.js';
import { lowerScaleMixtureProgram, takesScaleMixture } from './lower-scale-mixture-program.js';
import { lowerVariationalProgram, takesVariational } from './lower-variational-program.js';

interface Lowerer {
  /** Whether this lowering is the one for the plan. */
  readonly takes: (plan: InferencePlan) => boolean;
  readonly lower: (outcome: PlanOutcome) => PhaseResult<Program>;
}

/** In order: the first that takes the plan lowers it. */
const lowerers: readonly Lowerer[] = [
  { takes: takesLinearGaussian, lower: lowerLinearGaussianProgram },
  { takes: isChainPlan, lower: lowerChainProgram },
  { takes: takesScaleMixture, lower: lowerScaleMixtureProgram },
  { takes: takesMissingPlan, lower: lowerMissingProgram },
  { takes: takesMeanField, lower: lowerMeanFieldProgram },
  { takes: takesVariational, lower: lowerVariationalProgram },
];

/** The program of a planned model, or E5001 naming why the runtime cannot run it yet. */
export function lowerProgram(outcome: PlanOutcome): PhaseResult<Program> {
  const plan = outcome.plan;
  if (!plan) return { diagnostics: [] };
  const lowerer = lowerers.find((l) => l.takes(plan));
  return lowerer ? lowerer.lower(outcome) : lowerFitProgram(outcome);
}
