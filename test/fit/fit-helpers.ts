/** Shared by the fit tests: plan + lower + bind a model and data, and run the runtime's fit. */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerFitProgram, lowerProgram, planSource } from '@emforge/compiler';
import { renderDiagnostics, SourceFile } from '@emforge/dsl';
import {
  type BoundData,
  bindData,
  type EmFitOptions,
  type FitProgram,
  type FitResult,
  fitAnyProgram,
  fitProgram,
  type Program,
  type ProgramFit,
} from '@emforge/runtime';

export const root = new URL('../../', import.meta.url);

export function prepare(
  modelText: string,
  raw: unknown,
  sizes: Record<string, number> = {},
): { program: FitProgram; data: BoundData } {
  const outcome = planSource(new SourceFile('model.em', modelText));
  const lowered = lowerFitProgram(outcome);
  if (!lowered.value || !outcome.checked) {
    throw new Error(renderDiagnostics([...outcome.diagnostics, ...lowered.diagnostics]));
  }
  const bound = bindData(lowerDataSchema(outcome.checked), raw, sizes);
  if (!bound.value) throw new Error(JSON.stringify(bound.problems));
  return { program: lowered.value, data: bound.value };
}

export function readExample(name: string): { model: string; data: unknown } {
  return {
    model: readFileSync(new URL(`examples/${name}/model.em`, root), 'utf8'),
    data: JSON.parse(readFileSync(new URL(`examples/${name}/data.json`, root), 'utf8')),
  };
}

export function fitModel(
  modelText: string,
  raw: unknown,
  options: EmFitOptions = {},
  sizes: Record<string, number> = {},
): FitResult {
  const { program, data } = prepare(modelText, raw, sizes);
  return fitProgram(program, data, options);
}

/** Plans, lowers (any program kind) and binds a model and data. */
export function prepareAny(
  modelText: string,
  raw: unknown,
  sizes: Record<string, number> = {},
): { program: Program; data: BoundData } {
  const outcome = planSource(new SourceFile('model.em', modelText));
  const lowered = lowerProgram(outcome);
  if (!lowered.value || !outcome.checked) {
    throw new Error(renderDiagnostics([...outcome.diagnostics, ...lowered.diagnostics]));
  }
  const bound = bindData(lowerDataSchema(outcome.checked), raw, sizes);
  if (!bound.value) throw new Error(JSON.stringify(bound.problems));
  return { program: lowered.value, data: bound.value };
}

/** Fits any model the runtime runs (whatever its E-step), with the posteriors. */
export function fitAny(
  modelText: string,
  raw: unknown,
  options: EmFitOptions = {},
  sizes: Record<string, number> = {},
): ProgramFit {
  const { program, data } = prepareAny(modelText, raw, sizes);
  return fitAnyProgram(program, data, options);
}
