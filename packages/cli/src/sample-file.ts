/**
 * The work behind `emforge sample`: read and plan the model, lower it to the runtime's
 * program (any kind: `sampleAnyProgram`), read the params (a `fit --json` result — its `params`
 * — or a bare object of params), split `--size` into sizes and ragged lengths (`T=50,80,120`),
 * bind the data the model reads but never draws (`--data`), draw the data set with the
 * seeded stream and print it, or write it atomically (temporary file in the same directory, then
 * a rename; a failed run never touches an existing file). The output is exactly what `fit
 * --data` reads. Problems with the params name the param and exit 1. Loaded only when sample runs.
 */
import { lowerDataSchema } from '@emforge/compiler';
import type { SourceFile } from '@emforge/dsl';
import {
  type BoundData,
  formatSampleJson,
  inputSizes,
  SampleError,
  sampleAnyProgram,
  sampleInputSchema,
  sampleUnsupported,
} from '@emforge/runtime';
import type { CliIo } from './cli-io.js';
import { type ColumnMap, loadData, openDataSource } from './data/index.js';
import { ExitCode } from './exit-codes.js';
import { reportInternalError } from './internal-error.js';
import { loadProgram, reportDiagnostics, writeAtomically } from './load-program.js';
import { readSource } from './read-source.js';

export interface SampleCliOptions {
  readonly params: string;
  /** `--size N=1000`; a ragged size may take one length per sequence: `--size T=50,80,120`. */
  readonly size: Readonly<Record<string, number | readonly number[]>>;
  readonly seed: number;
  readonly data?: string;
  /** `--columns`: the CSV columns (NDJSON keys) of each `--data` variable. */
  readonly columns?: ColumnMap;
  readonly out?: string;
  readonly latents?: string;
}

function errors(io: CliIo, messages: readonly string[]): number {
  io.stdout(`${messages.map((m) => `error: ${m}`).join('\n')}\n`);
  return ExitCode.userError;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The params object of a params file: a fit result's `params`, or the object itself. */
function parseParams(file: SourceFile): Record<string, unknown> | string {
  let raw: unknown;
  try {
    raw = JSON.parse(file.text);
  } catch (error) {
    return `${file.path} is not valid JSON: ${(error as Error).message}`;
  }
  if (!isRecord(raw)) return `${file.path} must hold a JSON object: a fit result (fit --json) or an object of params`;
  if (isRecord(raw.params) && 'logLik' in raw) return raw.params;
  return raw;
}

export function sampleFile(path: string, options: SampleCliOptions, io: CliIo): number {
  try {
    const loaded = loadProgram(path, io);
    if (!loaded) return ExitCode.userError;
    const { outcome, program } = loaded;
    const unsupported = sampleUnsupported(program);
    if (unsupported !== undefined) return errors(io, [unsupported]);
    const sizes: Record<string, number> = {};
    const raggedSizes: Record<string, readonly number[]> = {};
    for (const [name, v] of Object.entries(options.size)) {
      if (typeof v === 'number') sizes[name] = v;
      else raggedSizes[name] = v;
    }
    const paramsFile = readSource(options.params, io);
    if ('diagnostic' in paramsFile) {
      reportDiagnostics(io, [paramsFile.diagnostic], []);
      return ExitCode.userError;
    }
    const params = parseParams(paramsFile.source);
    if (typeof params === 'string') return errors(io, [params]);
    const schema = lowerDataSchema(outcome.checked);
    const needed = sampleInputSchema(program, schema);
    let inputs: BoundData | undefined;
    if (options.data !== undefined) {
      const dataFile = openDataSource(options.data, io);
      if ('diagnostic' in dataFile) {
        reportDiagnostics(io, [dataFile.diagnostic], []);
        return ExitCode.userError;
      }
      const bound = loadData(dataFile.source, needed, inputSizes(needed, sizes), {
        ...(options.columns ? { columns: options.columns } : {}),
      });
      if (!bound.value) {
        reportDiagnostics(io, bound.diagnostics, [dataFile.source]);
        return ExitCode.userError;
      }
      inputs = bound.value;
    } else if (needed.data.length > 0) {
      const names = needed.data.map((v) => `'${v.name}'`).join(', ');
      return errors(io, [`${program.model} reads data it does not draw (${names}): give it with --data FILE`]);
    }
    const result = sampleAnyProgram(program, schema, params, {
      seed: options.seed,
      sizes,
      raggedSizes,
      ...(inputs ? { inputs } : {}),
    });
    const text = formatSampleJson(result.data);
    if (options.latents !== undefined) writeAtomically(options.latents, formatSampleJson(result.latents));
    if (options.out !== undefined) writeAtomically(options.out, text);
    else io.stdout(text);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof SampleError) return errors(io, error.problems);
    reportInternalError(io, error, `sampling ${path}`);
    return ExitCode.internal;
  }
}
