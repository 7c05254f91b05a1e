/**
 * How every lowering (lower-*-program.ts) reports what the runtime cannot run: it throws
 * `Unsupported` at the first obstacle, and `lowerOrReport` turns that into one E5001 diagnostic
 * naming the obstacle and its place in the model. Any other exception is a bug and propagates.
 */
import { lowerMessages, makeDiagnostic, type PhaseResult, type Span } from '@emforge/dsl';
import type { PlanOutcome } from '../pipeline.js';

/** A planned model: the outcome with its plan, graph and checked model present. */
export type PlannedOutcome = PlanOutcome & Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>;

/** The first obstacle a lowering found: why, and where in the model. */
export class Unsupported {
  constructor(
    readonly why: string,
    readonly span?: Span,
  ) {}
}

/** Runs `lower` on a planned model; an `Unsupported` becomes E5001, an unplanned model gives nothing. */
export function lowerOrReport<T>(
  outcome: PlanOutcome,
  lower: (planned: PlannedOutcome) => PhaseResult<T>,
): PhaseResult<T> {
  const { plan, graph, checked } = outcome;
  if (!plan || !graph || !checked) return { diagnostics: [] };
  try {
    return lower({ ...outcome, plan, graph, checked });
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return { diagnostics: [makeDiagnostic(lowerMessages.unsupportedPlan, error.span, { why: error.why })] };
  }
}
