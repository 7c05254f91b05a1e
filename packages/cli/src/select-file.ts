/**
 * The work behind `emforge select MODEL --data DATA --size K=1..8`: fits the model once per
 * value of one size (each with restarts, through the same load → plan → lower → bind → fit path
 * as `emforge fit`) and prints a table in the manner of R mclust's BIC summary — size,
 * log-likelihood, free parameters, BIC, AIC, ICL, converged — marking the best size by the
 * chosen criterion. The criteria are em/criteria.ts's, lower is better (BIC = −2ℓ + p ln n; R
 * mclust reports 2ℓ − p ln n, higher is better: the same number with the sign flipped). A size
 * that cannot be fitted (data that do not bind at that size, a setup error) is a row with its
 * message. A fit that warned of a collapsed component (more components than the data support,
 * e.g. K > N: the likelihood is then bounded only by regCovar) is shown, flagged degenerate,
 * but never chosen — as mclust gives such a fit no BIC (NA). `--json` prints the table as one JSON object. Exit 0 when some size was
 * fitted, 1 on model or data errors or when none was, 2 usage, 70 internal.
 */
import { lowerDataSchema } from '@emforge/compiler';
import type { Diagnostic } from '@emforge/dsl';
import { type FitResult, FitSetupError, fitAnyProgram } from '@emforge/runtime';
import type { CliIo } from './cli-io.js';
import { type ColumnMap, loadData, openDataSource } from './data/index.js';
import { ExitCode } from './exit-codes.js';
import { type FitOptions, makeEmFitOptions } from './fit-options.js';
import { errorMessage, reportInternalError } from './internal-error.js';
import { loadProgram, reportDiagnostics } from './load-program.js';
import { selectStreamFile } from './select-stream-file.js';

export type Criterion = 'bic' | 'aic' | 'icl';
export const criteria: readonly Criterion[] = ['bic', 'aic', 'icl'];

export interface SizeRange {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

export interface SelectCliOptions {
  readonly data: string;
  /** `--columns`: the CSV columns (NDJSON keys) of each data variable. */
  readonly columns?: ColumnMap;
  /** The size to vary and the other sizes given. */
  readonly range: SizeRange;
  readonly size: Readonly<Record<string, number>>;
  readonly criterion: Criterion;
  readonly seed: number;
  readonly restarts: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly regCovar?: number;
  /** `--threads`: threads of the E-step. */
  readonly threads?: number;
  readonly json?: boolean;
  /** `--stream`: the rows spooled once and read in chunks by every fit (select-stream-file.ts). */
  readonly stream?: boolean;
  /** `--chunk-rows`: rows per chunk of a streamed fit. */
  readonly chunkRows?: number;
}

/** One size's fit, or why it failed. */
export interface SelectRow {
  readonly size: number;
  readonly logLik?: number;
  readonly nParams?: number;
  readonly bic?: number;
  readonly aic?: number;
  readonly icl?: number;
  readonly converged?: boolean;
  readonly iterations?: number;
  readonly warnings?: readonly string[];
  /** A component collapsed (see the file comment): not a candidate for the best size. */
  readonly degenerate?: boolean;
  readonly error?: string;
}

export interface SelectTable {
  readonly model: string;
  readonly size: string;
  readonly criterion: Criterion;
  /** How the criteria are signed (always lower-is-better here). */
  readonly convention: 'lower is better';
  readonly restarts: number;
  readonly seed: number;
  readonly nObs?: number;
  /** The size with the lowest criterion; absent when no size was fitted. */
  readonly best?: number;
  readonly rows: readonly SelectRow[];
}

export function rowOf(size: number, r: FitResult): SelectRow {
  return {
    size,
    logLik: r.logLik,
    nParams: r.nParams,
    bic: r.bic,
    aic: r.aic,
    icl: r.icl,
    converged: r.converged,
    iterations: r.iterations,
    warnings: r.warnings,
    degenerate: r.warnings.some((w) => w.includes('collapsed')),
  };
}

/** The size whose criterion is lowest (the smaller on a tie, degenerate fits left out); undefined when none is left. */
export function bestSize(rows: readonly SelectRow[], criterion: Criterion): number | undefined {
  let best: SelectRow | undefined;
  for (const row of rows) {
    const v = row[criterion];
    if (v === undefined || !Number.isFinite(v) || row.degenerate) continue;
    if (best === undefined || v < best[criterion]!) best = row;
  }
  return best?.size;
}

const fixed = (v: number | undefined, digits: number) => (v === undefined ? '' : v.toFixed(digits));

/** The text table, mclust-style: one row per size, the best marked. */
export function formatSelectText(t: SelectTable): string {
  const name = t.size;
  const header = [name, 'log-lik', 'params', 'BIC', 'AIC', 'ICL', 'converged'];
  const body = t.rows.map((r) =>
    r.error !== undefined
      ? [String(r.size), r.error]
      : [
          String(r.size),
          fixed(r.logLik, 4),
          String(r.nParams),
          fixed(r.bic, 4),
          fixed(r.aic, 4),
          fixed(r.icl, 4),
          `${r.converged ? 'yes' : 'NO'}${r.degenerate ? ' (degenerate: a component collapsed)' : ''}`,
        ],
  );
  const widths = header.map((h, j) => Math.max(h.length, ...body.filter((c) => c.length > 2).map((c) => c[j]!.length)));
  const line = (cells: readonly string[], mark: string) =>
    cells.length === 2
      ? `  ${cells[0]!.padStart(widths[0]!)}  error: ${cells[1]}`
      : `${mark} ${cells.map((c, j) => (j === 6 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ')}`.trimEnd();
  const label = t.criterion.toUpperCase();
  const lines = [
    `${t.model}: ${name} = ${t.rows[0]?.size}..${t.rows.at(-1)?.size}, ${t.restarts} restart${t.restarts === 1 ? '' : 's'} each (seed ${t.seed})${t.nObs === undefined ? '' : `, ${t.nObs} items`}`,
    'BIC, AIC, ICL: lower is better (BIC = -2 log-lik + params ln n; R mclust prints -BIC, higher is better)',
    '',
    line(header, ' '),
    ...body.map((cells, i) => line(cells, t.rows[i]!.size === t.best ? '*' : ' ')),
    '',
    t.best !== undefined
      ? `* best by ${label}: ${name} = ${t.best}`
      : `no ${name} could be fitted${t.rows.some((r) => r.degenerate) ? ' without a collapsed component' : ''}`,
  ];
  const warned = t.rows.filter((r) => (r.warnings?.length ?? 0) > 0);
  if (warned.length > 0) {
    lines.push(`warnings at ${name} = ${warned.map((r) => r.size).join(', ')} (see --json for the text)`);
  }
  return `${lines.join('\n')}\n`;
}

export function selectFile(path: string, options: SelectCliOptions, io: CliIo): number {
  if (options.stream) return selectStreamFile(path, options, io);
  try {
    const loaded = loadProgram(path, io);
    if (!loaded) return ExitCode.userError;
    const { source, outcome, program } = loaded;
    const dataFile = openDataSource(options.data, io);
    if ('diagnostic' in dataFile) {
      reportDiagnostics(io, [dataFile.diagnostic], []);
      return ExitCode.userError;
    }
    const schema = lowerDataSchema(outcome.checked);
    const { name, from, to } = options.range;
    const rows: SelectRow[] = [];
    let nObs: number | undefined;
    let firstProblem: readonly Diagnostic[] | undefined;
    let bound = 0;
    if (!options.json) reportDiagnostics(io, outcome.diagnostics, [source]);
    for (let k = from; k <= to; k++) {
      const data = loadData(
        dataFile.source,
        schema,
        { ...options.size, [name]: k },
        {
          ...(options.columns ? { columns: options.columns } : {}),
        },
      );
      if (!data.value) {
        firstProblem ??= data.diagnostics;
        const first = data.diagnostics.find((d) => d.severity === 'error') ?? data.diagnostics[0];
        rows.push({ size: k, error: first ? `${first.code}: ${first.message}` : 'the data do not bind at this size' });
        continue;
      }
      bound++;
      const fitOptions: FitOptions = {
        seed: options.seed,
        restarts: options.restarts,
        maxIter: options.maxIter,
        tol: options.tol,
        ...(options.regCovar !== undefined ? { regCovar: options.regCovar } : {}),
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
      };
      const em = makeEmFitOptions(program, data.value.sizes, fitOptions);
      if (!em.value) {
        rows.push({ size: k, error: em.problems.join('; ') });
        continue;
      }
      try {
        const { result } = fitAnyProgram(program, data.value, em.value);
        nObs = result.nObs;
        rows.push(rowOf(k, result));
      } catch (error) {
        const known = error instanceof FitSetupError;
        rows.push({ size: k, error: `${known ? '' : 'internal error, please report: '}${errorMessage(error)}` });
      }
    }
    if (bound === 0) {
      // No size binds: the problem is the data's, not a size's. Report it like `fit` does.
      reportDiagnostics(io, firstProblem ?? [], [dataFile.source]);
      return ExitCode.userError;
    }
    const best = bestSize(rows, options.criterion);
    const table: SelectTable = {
      model: program.model,
      size: name,
      criterion: options.criterion,
      convention: 'lower is better',
      restarts: options.restarts,
      seed: options.seed,
      ...(nObs === undefined ? {} : { nObs }),
      ...(best === undefined ? {} : { best }),
      rows,
    };
    io.stdout(options.json ? `${JSON.stringify(table, null, 2)}\n` : formatSelectText(table));
    return best === undefined ? ExitCode.userError : ExitCode.ok;
  } catch (error) {
    reportInternalError(io, error, `selecting a size for ${path}`);
    return ExitCode.internal;
  }
}
