/**
 * The TypeScript API: `compile(source).fit(data, options)` does what `emforge fit` does. A
 * model with errors throws a `ModelError` carrying the diagnostics (rendered in its message);
 * so does data that does not match the declarations (the same binding and messages as a
 * data.json) and `init` / `fixed` values that do not match the params. Progress comes through
 * `options.onIteration` (see `FitOptions`), called after every EM iteration of every restart.
 */

import type { InferencePlan } from '@emforge/compiler';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { type Diagnostic, hasErrors, type Model, printModel, renderDiagnostics, SourceFile } from '@emforge/dsl';
import { bindData, type FitResult, fitAnyProgram } from '@emforge/runtime';
import { dataProblemDiagnostic } from './data/index.js';
import { type FitOptions, makeEmFitOptions } from './fit-options.js';

export type { IterationInfo } from '@emforge/runtime';
export type { FitOptions } from './fit-options.js';

/** A model, data or option error; `diagnostics` holds the structured form when there is one. */
export class ModelError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(message: string, diagnostics: readonly Diagnostic[] = []) {
    super(message);
    this.name = 'ModelError';
    this.diagnostics = diagnostics;
  }
}

/** The API's fit options: the CLI's, and `se` (like `emforge fit --se`). */
export interface ApiFitOptions extends FitOptions {
  /**
   * Standard errors from the observed information in `result.standardErrors` (each free param
   * in its declared shape, null where not defined) with `result.seMethod`.
   */
  readonly se?: boolean;
}

export interface CompiledModel {
  readonly plan: InferencePlan;
  /** Fits `data` (the object a data.json holds); throws a `ModelError` on bad data or options. */
  fit(data: object, options?: ApiFitOptions): FitResult;
}

/** Parses, checks, plans and lowers a model (text, or a builder's `Model`). */
export function compile(source: string | Model, options: { readonly path?: string } = {}): CompiledModel {
  const text = typeof source === 'string' ? source : printModel(source);
  const file = new SourceFile(options.path ?? 'model.em', text);
  const render = (ds: readonly Diagnostic[]) => renderDiagnostics(ds, { source: () => file });
  const outcome = planSource(file);
  const { plan, checked } = outcome;
  if (hasErrors(outcome.diagnostics) || !plan || !checked) {
    throw new ModelError(render(outcome.diagnostics), outcome.diagnostics);
  }
  const lowered = lowerProgram(outcome);
  const program = lowered.value;
  if (!program) throw new ModelError(render(lowered.diagnostics), lowered.diagnostics);
  const schema = lowerDataSchema(checked);
  return {
    plan,
    fit(data, fitOptions = {}) {
      const bound = bindData(schema, data, fitOptions.sizes ?? {});
      const diagnostics = bound.problems.map((p) => dataProblemDiagnostic(p, () => undefined));
      if (!bound.value || hasErrors(diagnostics)) throw new ModelError(renderDiagnostics(diagnostics), diagnostics);
      const em = makeEmFitOptions(program, bound.value.sizes, fitOptions);
      if (!em.value) throw new ModelError(em.problems.join('\n'));
      return fitAnyProgram(program, bound.value, { ...em.value, ...(fitOptions.se ? { standardErrors: true } : {}) })
        .result;
    },
  };
}
