/** The only place that orders the compiler's passes. */
import { compareDiagnostics, type Diagnostic, hasErrors, type Model, parseModel, type SourceFile } from '@emforge/dsl';
import { detectStructure } from './analysis/detect-structure.js';
import type { StructureReport } from './analysis/structure-report.js';
import { type CheckedModel, checkModel } from './check/check-model.js';
import { makeModelGraph } from './graph/build-graph.js';
import type { ModelGraph } from './graph/model-graph.js';
import type { InferencePlan } from './plan/inference-plan.js';
import { planInference } from './plan/plan-inference.js';

export interface CheckOutcome {
  readonly source: SourceFile;
  readonly ast?: Model;
  readonly checked?: CheckedModel;
  readonly diagnostics: readonly Diagnostic[];
}

export interface PlanOutcome extends CheckOutcome {
  readonly graph?: ModelGraph;
  readonly structure?: StructureReport;
  readonly plan?: InferencePlan;
}

/** Parse, then check (checking also runs on a recovered tree, so one pass reports both kinds). */
export function checkSource(source: SourceFile): CheckOutcome {
  const parsed = parseModel(source);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (!parsed.value) return { source, diagnostics: diagnostics.sort(compareDiagnostics) };
  const checked = checkModel(parsed.value);
  diagnostics.push(...checked.diagnostics);
  diagnostics.sort(compareDiagnostics);
  const outcome: CheckOutcome = { source, ast: parsed.value, diagnostics };
  return checked.value && !hasErrors(diagnostics) ? { ...outcome, checked: checked.value } : outcome;
}

/**
 * Parse, check, build the model graph, detect the latent structure and plan inference. Each
 * later phase runs only when the earlier ones produced a value without errors; diagnostics of
 * every phase that ran are merged and sorted.
 */
export function planSource(source: SourceFile): PlanOutcome {
  const checkedOutcome = checkSource(source);
  if (!checkedOutcome.checked) return checkedOutcome;
  const diagnostics: Diagnostic[] = [...checkedOutcome.diagnostics];
  const finish = (outcome: Omit<PlanOutcome, 'diagnostics'>): PlanOutcome => ({
    ...outcome,
    diagnostics: diagnostics.sort(compareDiagnostics),
  });

  const graph = makeModelGraph(checkedOutcome.checked);
  diagnostics.push(...graph.diagnostics);
  if (!graph.value || hasErrors(graph.diagnostics)) return finish(checkedOutcome);

  const structure = detectStructure(graph.value);
  diagnostics.push(...structure.diagnostics);
  if (!structure.value || hasErrors(structure.diagnostics)) return finish({ ...checkedOutcome, graph: graph.value });

  const plan = planInference(graph.value, structure.value);
  diagnostics.push(...plan.diagnostics);
  const base = { ...checkedOutcome, graph: graph.value, structure: structure.value };
  return finish(plan.value && !hasErrors(plan.diagnostics) ? { ...base, plan: plan.value } : base);
}
