/**
 * What `emforge fit` and `emforge sample` both do first: read the model file, plan it and lower
 * the plan to a program, reporting diagnostics the way `emforge check` renders them; and how
 * both write their output files (atomically).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lowerProgram, type PlanOutcome, planSource } from '@emforge/compiler';
import { type Diagnostic, hasErrors, renderDiagnostics, type SourceFile } from '@emforge/dsl';
import type { Program } from '@emforge/runtime';
import type { CliIo } from './cli-io.js';
import { readSource } from './read-source.js';

/** Prints diagnostics with the source line and caret of each file in `sources`. */
export function reportDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], sources: readonly SourceFile[]): void {
  if (diagnostics.length === 0) return;
  io.stdout(`${renderDiagnostics(diagnostics, { source: (path) => sources.find((s) => s.path === path) })}\n`);
}

export interface LoadedProgram {
  readonly source: SourceFile;
  readonly outcome: PlanOutcome & { readonly checked: NonNullable<PlanOutcome['checked']> };
  readonly program: Program;
}

/**
 * The model at `path` planned and lowered, or undefined after reporting why not (an unreadable
 * file, model errors, or a plan the runtime cannot run yet). Planning bugs propagate as exceptions.
 */
export function loadProgram(path: string, io: CliIo): LoadedProgram | undefined {
  const model = readSource(path, io);
  if ('diagnostic' in model) {
    reportDiagnostics(io, [model.diagnostic], []);
    return undefined;
  }
  const source = model.source;
  const outcome = planSource(source);
  const checked = outcome.checked;
  if (hasErrors(outcome.diagnostics) || !outcome.plan || !checked) {
    reportDiagnostics(io, outcome.diagnostics, [source]);
    return undefined;
  }
  const lowered = lowerProgram(outcome);
  if (!lowered.value) {
    reportDiagnostics(io, [...outcome.diagnostics, ...lowered.diagnostics], [source]);
    return undefined;
  }
  return { source, outcome: { ...outcome, checked }, program: lowered.value };
}

/** Writes `text` to `path` through a temporary file in the same directory and a rename. */
export function writeAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.emforge-tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
