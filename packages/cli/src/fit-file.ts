/**
 * The work behind `emforge fit`: read and plan the model, lower the plan to the runtime's
 * FitProgram, load and bind the data (JSON or CSV, through data/load-data.ts), run EM and print
 * the result — a short table, or the DESIGN.md JSON object with `--json`; `--out` writes the
 * JSON atomically (a temporary file in the same directory, then a rename). Model, lowering and
 * data problems are diagnostics and exit 1. Loaded only when fit runs.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lowerDataSchema, lowerFitProgram, planSource } from '@emforge/compiler';
import { type Diagnostic, hasErrors, renderDiagnostics, type SourceFile } from '@emforge/dsl';
import { type FitResult, fitProgram, type ParamValue } from '@emforge/runtime';
import type { CliIo } from './cli-io.js';
import { loadData } from './data/index.js';
import { ExitCode } from './exit-codes.js';
import { reportInternalError } from './internal-error.js';
import { readSource } from './read-source.js';

export interface FitCliOptions {
  readonly data: string;
  readonly size: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly restarts: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly json?: boolean;
  readonly out?: string;
}

function report(io: CliIo, diagnostics: readonly Diagnostic[], sources: readonly SourceFile[]): void {
  if (diagnostics.length === 0) return;
  io.stdout(`${renderDiagnostics(diagnostics, { source: (path) => sources.find((s) => s.path === path) })}\n`);
}

function formatValue(v: ParamValue): string {
  return typeof v === 'number' ? v.toPrecision(6) : `[${v.map(formatValue).join(', ')}]`;
}

/** The text report: one line per param, then the objective and the criteria. */
export function formatFitText(r: FitResult): string {
  const names = Object.keys(r.params);
  const width = Math.max(...names.map((n) => n.length), 5);
  const lines = [
    `${r.model}: ${r.strategy} EM, ${r.iterations} iterations, ${r.converged ? 'converged' : 'NOT converged'}`,
    '',
    ...names.map((n) => `  ${n.padEnd(width)}  ${formatValue(r.params[n]!)}`),
    '',
    `  log-likelihood ${r.logLik.toFixed(4)}${r.objective !== r.logLik ? `   log-posterior ${r.objective.toFixed(4)}` : ''}`,
    `  BIC ${r.bic.toFixed(4)}   AIC ${r.aic.toFixed(4)}   ICL ${r.icl.toFixed(4)}   (${r.nParams} free parameters, ${r.nObs} items)`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
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

export function fitFile(path: string, options: FitCliOptions, io: CliIo): number {
  const model = readSource(path, io);
  if ('diagnostic' in model) {
    report(io, [model.diagnostic], []);
    return ExitCode.userError;
  }
  const source = model.source;
  try {
    const outcome = planSource(source);
    if (hasErrors(outcome.diagnostics) || !outcome.plan || !outcome.checked) {
      report(io, outcome.diagnostics, [source]);
      return ExitCode.userError;
    }
    const lowered = lowerFitProgram(outcome);
    if (!lowered.value) {
      report(io, [...outcome.diagnostics, ...lowered.diagnostics], [source]);
      return ExitCode.userError;
    }
    const dataFile = readSource(options.data, io);
    if ('diagnostic' in dataFile) {
      report(io, [dataFile.diagnostic], []);
      return ExitCode.userError;
    }
    const data = loadData(dataFile.source, lowerDataSchema(outcome.checked), options.size);
    if (!data.value) {
      report(io, data.diagnostics, [dataFile.source]);
      return ExitCode.userError;
    }
    if (!options.json) report(io, [...outcome.diagnostics, ...data.diagnostics], [source, dataFile.source]);
    const result = fitProgram(lowered.value, data.value, {
      seed: options.seed,
      restarts: options.restarts,
      maxIter: options.maxIter,
      tol: options.tol,
    });
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (options.out !== undefined) writeAtomically(options.out, json);
    io.stdout(options.json ? json : formatFitText(result));
    return ExitCode.ok;
  } catch (error) {
    reportInternalError(io, error, `fitting ${source.path}`);
    return ExitCode.internal;
  }
}
