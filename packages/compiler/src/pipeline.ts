/** The only place that orders the compiler's passes. */
import { compareDiagnostics, type Diagnostic, hasErrors, type Model, parseModel, type SourceFile } from '@emforge/dsl';
import { type CheckedModel, checkModel } from './check/check-model.js';

export interface CheckOutcome {
  readonly source: SourceFile;
  readonly ast?: Model;
  readonly checked?: CheckedModel;
  readonly diagnostics: readonly Diagnostic[];
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
