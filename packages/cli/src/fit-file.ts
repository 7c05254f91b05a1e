/**
 * The work behind `emforge fit`: read and plan the model, lower the plan to the runtime's
 * FitProgram, load and bind the data (JSON or CSV, through data/load-data.ts), run EM and print
 * the result — a short table, or the DESIGN.md JSON object with `--json`; `--out` writes the
 * JSON atomically (a temporary file in the same directory, then a rename), `--posteriors` the
 * responsibilities (JSON, or CSV by extension) the same way. Model, lowering and data problems
 * are diagnostics and exit 1, as are `--init FILE` / `--fix FILE` values that do not match the
 * params. Loaded only when fit runs.
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema } from '@emforge/compiler';
import {
  type Accelerator,
  type EmVariant,
  type FitResult,
  fitAnyProgram,
  type ParamValue,
  type Posteriors,
} from '@emforge/runtime';
import type { CliIo } from './cli-io.js';
import { dataFormatOf, loadData } from './data/index.js';
import { ExitCode } from './exit-codes.js';
import { type FitOptions, initMethods, makeEmFitOptions } from './fit-options.js';
import { errorMessage, reportInternalError } from './internal-error.js';
import { loadProgram, reportDiagnostics, writeAtomically } from './load-program.js';
import { readSource } from './read-source.js';

export interface FitCliOptions {
  readonly data: string;
  readonly size: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly restarts: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly init?: string;
  readonly fix?: string;
  readonly variant?: EmVariant;
  readonly accelerate?: Accelerator;
  readonly regCovar?: number;
  readonly posteriors?: string;
  readonly json?: boolean;
  readonly out?: string;
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

/** The responsibilities as JSON, or as CSV (`item` then one column per joint state). */
export function formatPosteriors(model: string, p: Posteriors, format: 'json' | 'csv'): string {
  if (format === 'json') return `${JSON.stringify({ model, ...p })}\n`;
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = [['item', ...p.states].map(quote).join(',')];
  for (const [i, row] of p.responsibilities.entries()) lines.push([String(i), ...row.map(String)].join(','));
  return `${lines.join('\n')}\n`;
}

/** Reads a params JSON file (`--init FILE`, `--fix FILE`); a message when it cannot be read. */
function readParamsFile(path: string, option: string): { raw?: Record<string, unknown>; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const methods = option === '--init' ? ` (expected ${initMethods.join(', ')} or a JSON file)` : '';
    return { problem: `${option} ${path}: cannot read the file${methods}: ${errorMessage(error)}` };
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return { raw: raw as Record<string, unknown> };
    return { problem: `${option} ${path}: expected a JSON object of param values (or a fit result)` };
  } catch (error) {
    return { problem: `${option} ${path}: not valid JSON: ${errorMessage(error)}` };
  }
}

export function fitFile(path: string, options: FitCliOptions, io: CliIo): number {
  try {
    const loaded = loadProgram(path, io);
    if (!loaded) return ExitCode.userError;
    const { source, outcome, program } = loaded;
    const dataFile = readSource(options.data, io);
    if ('diagnostic' in dataFile) {
      reportDiagnostics(io, [dataFile.diagnostic], []);
      return ExitCode.userError;
    }
    const data = loadData(dataFile.source, lowerDataSchema(outcome.checked), options.size);
    if (!data.value) {
      reportDiagnostics(io, data.diagnostics, [dataFile.source]);
      return ExitCode.userError;
    }
    const isMethod = options.init === undefined || (initMethods as readonly string[]).includes(options.init);
    const initFile = isMethod || options.init === undefined ? {} : readParamsFile(options.init, '--init');
    const fixFile = options.fix === undefined ? {} : readParamsFile(options.fix, '--fix');
    const fitOptions: FitOptions = {
      seed: options.seed,
      restarts: options.restarts,
      maxIter: options.maxIter,
      tol: options.tol,
      ...(isMethod && options.init !== undefined ? { init: options.init as FitOptions['init'] & string } : {}),
      ...(initFile.raw ? { init: initFile.raw } : {}),
      ...(fixFile.raw ? { fixed: fixFile.raw } : {}),
      ...(options.variant ? { variant: options.variant } : {}),
      ...(options.accelerate ? { accelerate: options.accelerate } : {}),
      ...(options.regCovar !== undefined ? { regCovar: options.regCovar } : {}),
    };
    const em = makeEmFitOptions(program, data.value.sizes, fitOptions, {
      init: `--init ${options.init}`,
      fixed: `--fix ${options.fix}`,
    });
    const problems = [initFile.problem, fixFile.problem, ...em.problems].filter((p) => p !== undefined);
    if (problems.length > 0 || !em.value) {
      io.stderr(problems.map((p) => `error: ${p}\n`).join(''));
      return ExitCode.userError;
    }
    if (!options.json) reportDiagnostics(io, [...outcome.diagnostics, ...data.diagnostics], [source, dataFile.source]);
    const { result, posteriors } = fitAnyProgram(program, data.value, em.value);
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (options.out !== undefined) writeAtomically(options.out, json);
    if (options.posteriors !== undefined) {
      writeAtomically(options.posteriors, formatPosteriors(result.model, posteriors, dataFormatOf(options.posteriors)));
    }
    io.stdout(options.json ? json : formatFitText(result));
    return ExitCode.ok;
  } catch (error) {
    reportInternalError(io, error, `fitting ${path}`);
    return ExitCode.internal;
  }
}
