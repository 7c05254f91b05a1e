/**
 * The work behind `emforge check`: read each file, parse and check it, and report as text or
 * JSON. Loaded only when a check runs, so `emforge --help` and `--version` do not pay for
 * loading the parser.
 */
import { checkSource } from '@emforge/compiler';
import { catalogue, hasErrors } from '@emforge/dsl';
import { type FileResult, isOk, makeJsonReport, TextReporter } from './check-report.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { errorMessage, reportInternalError } from './internal-error.js';
import { summarizeModel } from './model-summary.js';
import { makePalette, wantsColor } from './palette.js';
import { readSource } from './read-source.js';

export interface CheckOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** `--color` (true), `--no-color` (false), or neither (undefined: decide from the terminal). */
  readonly color?: boolean;
}

/** Reads and checks one file. Never throws: a bug in a phase becomes `internalError`. */
export function checkFile(path: string, io: CliIo): FileResult {
  const read = readSource(path, io);
  if ('diagnostic' in read) return { path, diagnostics: [read.diagnostic] };
  const source = read.source;
  try {
    const outcome = checkSource(source);
    if (hasErrors(outcome.diagnostics)) return { path: source.path, source, diagnostics: outcome.diagnostics };
    const ast = outcome.checked?.ast ?? outcome.ast;
    if (!ast) throw new Error('the check phase returned neither a model nor an error');
    return { path: source.path, source, diagnostics: outcome.diagnostics, model: summarizeModel(ast) };
  } catch (error) {
    reportInternalError(io, error, `checking ${source.path}`);
    return { path: source.path, source, diagnostics: [], internalError: errorMessage(error) };
  }
}

/** 70 when emforge failed on some file, else 1 when some file has errors, else 0. */
export function exitCodeOf(results: readonly FileResult[]): number {
  if (results.some((r) => r.internalError !== undefined)) return ExitCode.internal;
  return results.every(isOk) ? ExitCode.ok : ExitCode.userError;
}

/** Checks every file in order, printing as it goes; returns the exit code. */
export function checkFiles(files: readonly string[], options: CheckOptions, io: CliIo): number {
  if (options.json) {
    const results = files.map((path) => checkFile(path, io));
    io.stdout(`${JSON.stringify(makeJsonReport(results), null, 2)}\n`);
    return exitCodeOf(results);
  }
  const palette = makePalette(wantsColor(io, options.color));
  const reporter = new TextReporter(io.stdout, { quiet: options.quiet === true, palette });
  const results: FileResult[] = [];
  for (const path of files) {
    const result = checkFile(path, io);
    results.push(result);
    reporter.file(result);
  }
  reporter.finish();
  return exitCodeOf(results);
}

/** `emforge check --codes`: every message of the catalogue, one per line. */
export function formatCatalogue(): string {
  const codes = [...catalogue.keys()].sort();
  return codes.map((code) => `${code}  ${catalogue.get(code)?.title ?? ''}`).join('\n');
}
