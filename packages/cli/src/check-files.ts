/**
 * The work behind `emforge check`: read each file, parse and check it, and report as text or
 * JSON. Loaded only when a check runs, so `emforge --help` and `--version` do not pay for
 * loading the parser.
 */
import { type PlanOutcome, planSource, printGraph, printPlan } from '@emforge/compiler';
import { catalogue, hasErrors, printModel } from '@emforge/dsl';
import { type FileResult, isOk, makeJsonReport, TextReporter } from './check-report.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { errorMessage, reportInternalError } from './internal-error.js';
import { summarizeModel } from './model-summary.js';
import { makePalette, wantsColor } from './palette.js';
import { summarizePlan } from './plan-summary.js';
import { readSource } from './read-source.js';

export interface CheckOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** `--color` (true), `--no-color` (false), or neither (undefined: decide from the terminal). */
  readonly color?: boolean;
  /** `--dump ast|graph|plan`: print that stage's IR instead of the report. */
  readonly dump?: string;
}

export const dumpStages = ['ast', 'graph', 'plan'] as const;

/** The printout of one stage of a planned file, or undefined when the stage was not reached. */
export function dumpStage(outcome: PlanOutcome, stage: string): string | undefined {
  switch (stage) {
    case 'ast':
      return outcome.ast ? printModel(outcome.ast) : undefined;
    case 'graph':
      return outcome.graph ? printGraph(outcome.graph) : undefined;
    case 'plan':
      return outcome.plan ? printPlan(outcome.plan) : undefined;
    default:
      return undefined;
  }
}

/** Reads and checks one file. Never throws: a bug in a phase becomes `internalError`. */
export function checkFile(path: string, io: CliIo, dump?: string): FileResult {
  const read = readSource(path, io);
  if ('diagnostic' in read) return { path, diagnostics: [read.diagnostic] };
  const source = read.source;
  try {
    const outcome = planSource(source);
    const dumped = dump ? dumpStage(outcome, dump) : undefined;
    if (dumped !== undefined) io.stdout(dumped.endsWith('\n') ? dumped : `${dumped}\n`);
    if (hasErrors(outcome.diagnostics)) return { path: source.path, source, diagnostics: outcome.diagnostics };
    const ast = outcome.checked?.ast ?? outcome.ast;
    if (!ast) throw new Error('the check phase returned neither a model nor an error');
    const result: FileResult = {
      path: source.path,
      source,
      diagnostics: outcome.diagnostics,
      model: summarizeModel(ast),
    };
    return outcome.plan ? { ...result, plan: summarizePlan(outcome.plan) } : result;
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
  if (options.dump) {
    const results = files.map((path) => checkFile(path, io, options.dump));
    const palette = makePalette(wantsColor(io, options.color));
    const reporter = new TextReporter(io.stderr, { quiet: true, palette });
    for (const r of results) reporter.file(r);
    return exitCodeOf(results);
  }
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
