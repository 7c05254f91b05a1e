/**
 * The work behind `emforge fit`: read and plan the model, lower the plan to the runtime's
 * FitProgram, load and bind the data (JSON or CSV, through data/load-data.ts), run EM and print
 * the result — a short table, or the DESIGN.md JSON object with `--json`; `--out` writes the
 * JSON atomically (a temporary file in the same directory, then a rename), `--posteriors` the
 * responsibilities (JSON, or CSV by extension) the same way. Model, lowering and data problems
 * are diagnostics and exit 1, as are `--init FILE` / `--fix FILE` values that do not match the
 * params. On a terminal a live progress line per run goes to stderr (progress.ts; `--quiet`
 * turns it off). `--checkpoint FILE` saves the EM state every `--checkpoint-every` iterations
 * and `--resume FILE` continues from it, to the same bits as a fit never stopped
 * (checkpoint-file.ts); a checkpoint of another model or other data is refused (exit 1).
 * `--report FILE` writes one self-contained HTML page of the fit (report/).
 * Loaded only when fit runs.
 */
import { readFileSync } from 'node:fs';
import { explainPlan, lowerDataSchema } from '@emforge/compiler';
import {
  type Accelerator,
  CheckpointError,
  type EmFitOptions,
  type EmVariant,
  encodeState,
  type FitResult,
  fitAnyProgram,
  type IterationInfo,
  type ParamValue,
  type Posteriors,
  type StandardErrorValue,
} from '@emforge/runtime';
import {
  fingerprintOf,
  fingerprintProblem,
  readCheckpoint,
  restoredOptions,
  savedOptions,
  writeCheckpoint,
} from './checkpoint-file.js';
import type { CliIo } from './cli-io.js';
import { type ColumnMap, dataFormatOf, loadData, openDataSource } from './data/index.js';
import { ExitCode } from './exit-codes.js';
import { defaultCheckpointEvery, type FitOptions, initMethods, makeEmFitOptions } from './fit-options.js';
import { fitStreamFile } from './fit-stream-file.js';
import { errorMessage, reportInternalError } from './internal-error.js';
import { loadProgram, reportDiagnostics, writeAtomically } from './load-program.js';
import { makeProgress } from './progress.js';
import type { RestartTrace } from './report/report-input.js';
import { writeReport } from './report/write-report.js';

export interface FitCliOptions {
  readonly data: string;
  readonly size: Readonly<Record<string, number>>;
  /** `--columns`: the CSV columns (NDJSON keys) of each data variable. */
  readonly columns?: ColumnMap;
  readonly seed: number;
  readonly restarts: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly init?: string;
  readonly fix?: string;
  readonly variant?: EmVariant;
  readonly accelerate?: Accelerator;
  readonly regCovar?: number;
  /** `--threads`: threads of the E-step. */
  readonly threads?: number;
  readonly posteriors?: string;
  /** Standard errors from the observed information in the result (`--se`). */
  readonly se?: boolean;
  readonly json?: boolean;
  readonly out?: string;
  /** No progress line. */
  readonly quiet?: boolean;
  readonly checkpoint?: string;
  readonly checkpointEvery?: number;
  /** Write the HTML report (model, plan, derivation, traces, params, plots) to this file. */
  readonly report?: string;
  readonly resume?: string;
  /** The options given on the command line (not defaults), by attribute name: checked against a resumed checkpoint. */
  readonly explicit?: readonly string[];
  /** `--stream`: the rows spooled to disk and read in chunks on every pass (fit-stream-file.ts). */
  readonly stream?: boolean;
  /** `--chunk-rows`: rows per chunk of a streamed fit. */
  readonly chunkRows?: number;
}

/** The runtime options each command-line option sets, for comparing with a checkpoint's. */
const emOptionOf: Readonly<Record<string, readonly (keyof EmFitOptions)[]>> = {
  seed: ['seed'],
  restarts: ['restarts'],
  maxIter: ['maxIter'],
  tol: ['tol'],
  init: ['init', 'initMethod'],
  fix: ['fixed'],
  variant: ['variant'],
  accelerate: ['accelerate'],
  regCovar: ['regCovar'],
};

const flagOf = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Command-line options that disagree with the options a checkpoint was made with. */
function optionConflicts(explicit: readonly string[], given: EmFitOptions, saved: EmFitOptions): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(encodeState(a)) === JSON.stringify(encodeState(b));
  return explicit
    .filter((name) => (emOptionOf[name] ?? []).some((key) => !same(given[key], saved[key])))
    .map((name) => `${flagOf(name)} differs from the value the checkpoint was made with; leave it out to resume`);
}

function formatValue(v: ParamValue): string {
  return typeof v === 'number' ? v.toPrecision(6) : `[${v.map(formatValue).join(', ')}]`;
}

/** A value with its standard error beside each entry: `3.49 ± 0.0311` (`± n/a` where it is not defined). */
function formatWithSe(v: ParamValue, se: StandardErrorValue | undefined): string {
  if (typeof v === 'number') {
    return `${v.toPrecision(6)} ± ${typeof se === 'number' ? se.toPrecision(3) : 'n/a'}`;
  }
  return `[${v.map((x, i) => formatWithSe(x, Array.isArray(se) ? se[i] : null)).join(', ')}]`;
}

/**
 * The standard errors for the HTML report, whose cells show a number and leave anything else
 * blank: a param whose errors are all null is left out; a null entry stays a blank cell.
 */
function reportStandardErrors(se: Readonly<Record<string, StandardErrorValue>>): Record<string, ParamValue> {
  const some = (v: StandardErrorValue): boolean => (Array.isArray(v) ? v.some(some) : v !== null);
  return Object.fromEntries(Object.entries(se).filter(([, v]) => some(v))) as Record<string, ParamValue>;
}

/** The text report: one line per param, then the objective and the criteria. */
export function formatFitText(r: FitResult): string {
  const names = Object.keys(r.params);
  const width = Math.max(...names.map((n) => n.length), 5);
  const lines = [
    `${r.model}: ${r.strategy} EM, ${r.iterations} iterations, ${r.converged ? 'converged' : 'NOT converged'}`,
    '',
    ...names.map((n) => {
      const se = r.standardErrors?.[n];
      return `  ${n.padEnd(width)}  ${se === undefined ? formatValue(r.params[n]!) : formatWithSe(r.params[n]!, se)}`;
    }),
    ...(r.seMethod ? ['', `  ± standard errors: ${r.seMethod}`] : []),
    '',
    r.approximate
      ? `  ELBO ${r.objective.toFixed(4)}   (approximate E-step: a lower bound on the log-likelihood; AIC/BIC use it)`
      : `  log-likelihood ${r.logLik.toFixed(4)}${r.objective !== r.logLik ? `   log-posterior ${r.objective.toFixed(4)}` : ''}`,
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
export function readParamsFile(path: string, option: string): { raw?: Record<string, unknown>; problem?: string } {
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

/**
 * Collects each restart's objective trace from `onIteration` for the report; the kept run is the
 * one whose trace ends at the result's objective (a resumed fit has the runs since the checkpoint).
 */
function traceRecorder() {
  const runs = new Map<number, number[]>();
  return {
    record(info: IterationInfo): void {
      const trace = info.iteration === 0 ? [] : (runs.get(info.restart) ?? []);
      trace.push(info.objective);
      runs.set(info.restart, trace);
    },
    of(result: FitResult): RestartTrace[] {
      let kept = false;
      return [...runs].map(([restart, objective]) => {
        const isKept = !kept && objective.at(-1) === result.objective && objective.length === result.history.length;
        kept ||= isKept;
        return { label: `restart ${restart + 1}`, objective, kept: isKept };
      });
    },
  };
}

export function fitFile(path: string, options: FitCliOptions, io: CliIo): number {
  if (options.stream) return fitStreamFile(path, options, io);
  try {
    const loaded = loadProgram(path, io);
    if (!loaded) return ExitCode.userError;
    const { source, outcome, program } = loaded;
    const dataFile = openDataSource(options.data, io);
    if ('diagnostic' in dataFile) {
      reportDiagnostics(io, [dataFile.diagnostic], []);
      return ExitCode.userError;
    }
    const data = loadData(dataFile.source, lowerDataSchema(outcome.checked), options.size, {
      ...(options.columns ? { columns: options.columns } : {}),
    });
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
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
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
    let emOptions: EmFitOptions = em.value;
    let every = options.checkpointEvery ?? defaultCheckpointEvery;
    const fingerprint =
      options.checkpoint !== undefined || options.resume !== undefined ? fingerprintOf(program, data.value) : undefined;
    if (options.resume !== undefined && fingerprint) {
      const read = readCheckpoint(options.resume);
      const file = read.value;
      const problem = read.problem ?? (file && fingerprintProblem(options.resume, file, fingerprint));
      if (problem !== undefined || !file) {
        io.stderr(`error: ${problem}\n`);
        return ExitCode.userError;
      }
      const saved = restoredOptions(file);
      const conflicts = optionConflicts(options.explicit ?? [], em.value, saved);
      if (conflicts.length > 0) {
        io.stderr(conflicts.map((p) => `error: ${p}\n`).join(''));
        return ExitCode.userError;
      }
      // The thread count does not change the result: this run's, not the checkpoint's.
      const { threads: _savedThreads, ...savedRest } = saved;
      emOptions = {
        ...savedRest,
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        resume: file.state,
      };
      every = options.checkpointEvery ?? file.every;
    }
    if (!options.json) reportDiagnostics(io, [...outcome.diagnostics, ...data.diagnostics], [source, dataFile.source]);
    const checkpointPath = options.checkpoint ?? options.resume;
    if (checkpointPath !== undefined && fingerprint) {
      const header = {
        format: 'emforge-checkpoint',
        version: 1,
        ...fingerprint,
        options: savedOptions(emOptions),
        every,
      } as const;
      emOptions = {
        ...emOptions,
        checkpoint: {
          every,
          save: (state) => writeCheckpoint(checkpointPath, { ...header, savedAt: new Date().toISOString(), state }),
        },
      };
    }
    const showProgress = io.stdoutIsTTY && io.stderrIsTTY === true && !options.quiet;
    const progress = makeProgress({
      write: io.stderr,
      isTTY: showProgress,
      ...(io.now ? { now: io.now } : {}),
    });
    const traces = options.report !== undefined ? traceRecorder() : undefined;
    let fitted: ReturnType<typeof fitAnyProgram>;
    try {
      fitted = fitAnyProgram(program, data.value, {
        ...emOptions,
        ...(options.se ? { standardErrors: true } : {}),
        // only when something listens: the driver then builds no report per iteration
        ...(showProgress || traces
          ? {
              onIteration: (info: IterationInfo) => {
                progress.onIteration(info);
                traces?.record(info);
              },
            }
          : {}),
      });
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      const flag = options.resume !== undefined ? `--resume ${options.resume}` : `--checkpoint ${options.checkpoint}`;
      io.stderr(`error: ${flag}: ${error.message}\n`);
      return ExitCode.userError;
    } finally {
      progress.finish();
    }
    const { result, posteriors } = fitted;
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (options.out !== undefined) writeAtomically(options.out, json);
    if (options.report !== undefined && outcome.plan) {
      writeReport(options.report, {
        source: source.text,
        sourceName: path,
        plan: outcome.plan,
        derivation: explainPlan(outcome),
        result,
        posteriors,
        data: data.value,
        program,
        ...(traces ? { traces: traces.of(result) } : {}),
        ...(result.standardErrors ? { standardErrors: reportStandardErrors(result.standardErrors) } : {}),
      });
    }
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
