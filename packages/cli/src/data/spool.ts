/**
 * The first pass of `emforge fit --stream`: reads a CSV or NDJSON data file in chunks of lines
 * (line-reader.ts, a bounded buffer), checks each chunk with the ordinary readers and binder
 * (read-csv.ts / read-ndjson.ts, then `bindData`) so every problem gets the diagnostic the
 * in-memory load gives it — the same message, item index and file:line:col — and appends the
 * chunk's rows as float64 to a spool file (runtime `SpoolFile`, in `os.tmpdir()`). The later
 * passes of the fit read the spool, never the text again. The whole data never is in memory: a
 * chunk's lines, its parsed values and its rows.
 *
 * A chunk is checked as a small file: the header line (the CSV header, or an NDJSON first line of
 * sizes) and the chunk's lines. When that finds a problem the chunk is read again with its lines
 * at their own line numbers (blank lines before them, which both readers skip), so the
 * diagnostics point into the real file. The fit stops at the first chunk with an error.
 *
 * What streams: a model whose data is one per-item variable of whole rows (`x[N]: real[D]`,
 * `y[N]: count`, …) with N bound by the file, one record per line (a CSV record may not span lines).
 */
import { type Diagnostic, hasErrors, SourceFile } from '@emforge/dsl';
import {
  type BoundData,
  type BoundVariable,
  bindData,
  type DataProblem,
  type DataSchema,
  SpoolFile,
  streamedValues,
} from '@emforge/runtime';
import type { ColumnMap } from './columns.js';
import { dataProblemDiagnostic } from './data-diagnostics.js';
import type { DataFilePlace } from './data-reader.js';
import { cannotReadData } from './data-source.js';
import { forEachFileLine } from './line-reader.js';
import { dataReadFormatOf, readDataFile } from './load-data.js';

export interface SpoolOptions {
  readonly columns?: ColumnMap;
  /** Item lines per chunk (at most, and by default, 1,024). */
  readonly chunkRows?: number;
}

/** The spooled rows and the data a streamed fit binds to (sizes; the item variable's values a stand-in). */
export interface SpooledData {
  readonly spool: SpoolFile;
  readonly data: BoundData;
}

export type SpoolResult =
  | { readonly value: SpooledData; readonly diagnostics: readonly Diagnostic[] }
  | { readonly diagnostics: readonly Diagnostic[]; readonly sources: readonly SourceFile[] }
  | { readonly usage: string };

/** Why the model's data cannot be streamed from `path`, or its item variable and plate size. */
function streamedVariable(
  path: string,
  schema: DataSchema,
): { usage: string } | { variable: DataSchema['data'][number]; plate: string } {
  if (path === '-') return { usage: '--stream reads a data file on disk, not standard input' };
  if (dataReadFormatOf(path) === 'json')
    return { usage: `--stream reads CSV or NDJSON files (.csv, .ndjson, .jsonl), not JSON: ${path}` };
  const [v, ...others] = schema.data;
  if (!v || others.length > 0)
    return {
      usage: `--stream takes a model whose data is one per-item variable (like x[N]: real[D]); this one declares ${schema.data.length}: ${schema.data.map((d) => d.name).join(', ')}`,
    };
  const plate = v.dims[0];
  if (v.dims.length !== 1 || v.shape.length > 1 || v.element === 'cov' || typeof plate !== 'string')
    return {
      usage: `--stream takes a model whose data is one per-item variable of whole rows (like x[N]: real[D]), not '${v.name}: ${v.typeText}'`,
    };
  return { variable: v, plate };
}

/**
 * Item lines read, checked and spooled at a time. 1,024 keeps a chunk's strings and arrays in
 * V8's young generation: on 2,000,000 × 10 NDJSON, 17 s and 190 MB peak RSS against 36 s and
 * 420 MB with 65,536.
 */
const CHECK_LINES = 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Line {
  readonly number: number;
  readonly text: string;
}

/** Reads, checks and spools the data file at `path` (see the file header). */
export function spoolDataFile(
  path: string,
  schema: DataSchema,
  sizeOverrides: Readonly<Record<string, number>>,
  options: SpoolOptions = {},
): SpoolResult {
  const target = streamedVariable(path, schema);
  if ('usage' in target) return target;
  const { variable, plate } = target;
  // Lines checked at a time: small, so their text and parsed values die young (fewer than
  // `chunkRows` when that is smaller, so that tests can cut the file anywhere).
  const chunkRows = Math.max(1, Math.min(CHECK_LINES, Math.floor(options.chunkRows ?? CHECK_LINES)));
  const format = dataReadFormatOf(path);
  const overrides: Record<string, number> = { ...sizeOverrides };
  const declaredN = overrides[plate];
  delete overrides[plate];
  const sizeNames = new Set(schema.sizes.map((s) => s.name));
  const readOptions = options.columns ? { columns: options.columns } : {};

  let header: Line | undefined;
  /** The first item's line: put before every later chunk, so sizes bound by its shape (D) bind as in memory. */
  let firstItem: Line | undefined;
  let headerRaw: Record<string, unknown> | undefined;
  let sawFirst = false;
  let chunk: Line[] = [];
  let chunkItems = 0;
  let rows = 0;
  let d = -1;
  let bound: BoundData | undefined;
  let warnings: readonly Diagnostic[] = [];
  let failure: { diagnostics: readonly Diagnostic[]; sources: readonly SourceFile[] } | undefined;
  const spool = { file: undefined as SpoolFile | undefined };

  /** The chunk as a small file: the header, then its lines (at their own numbers when `inPlace`). */
  const chunkText = (lines: readonly Line[], first: number, inPlace: boolean): string => {
    const parts: string[] = [];
    let at = 1;
    const put = (line: Line) => {
      if (inPlace && line.number > at) parts.push('\n'.repeat(line.number - at));
      else if (parts.length > 0) parts.push('\n');
      parts.push(line.text);
      at = line.number;
    };
    if (header) put(header);
    if (first > 0 && firstItem) put(firstItem);
    for (const line of lines) put(line);
    return parts.join('');
  };

  /** Reads and binds one chunk; false on an error (then `failure` says what). */
  const check = (lines: readonly Line[], first: number, inPlace: boolean): boolean => {
    const file = new SourceFile(path, chunkText(lines, first, inPlace));
    // Later chunks start with the first item (index 0), then their own: global index first + local − 1.
    const lead = first > 0 ? 1 : 0;
    const read = readDataFile(file, schema, readOptions);
    if (read.raw === undefined || hasErrors(read.diagnostics)) {
      if (!inPlace) return check(lines, first, true);
      failure = { diagnostics: read.diagnostics, sources: [file] };
      return false;
    }
    const raw = { ...(read.raw as Record<string, unknown>) };
    const given = raw[plate];
    delete raw[plate];
    const result = bindData(schema, raw, overrides);
    // Item indices as in the whole file; places found in the chunk's own numbering.
    const shift = (p: DataProblem): DataProblem =>
      'index' in p && 'variable' in p && p.variable === variable.name && p.index.length > 0
        ? ({ ...p, index: [p.index[0]! + first - lead, ...p.index.slice(1)] } as DataProblem)
        : p;
    const locate = (place?: DataFilePlace) =>
      read.locate(
        place && place.key === variable.name && place.index.length > 0
          ? { key: place.key, index: [place.index[0]! - first + lead, ...place.index.slice(1)] }
          : place,
      );
    const diagnostics: Diagnostic[] = [
      ...read.diagnostics,
      ...result.problems.map((p) => dataProblemDiagnostic(shift(p), locate)),
    ];
    if (!result.value || hasErrors(diagnostics)) {
      if (!inPlace) return check(lines, first, true);
      failure = { diagnostics, sources: [file] };
      return false;
    }
    // Warnings point into the file too: at the lines' own numbers.
    if (!inPlace && diagnostics.length > 0) return check(lines, first, true);
    if (first === 0) {
      warnings = diagnostics;
      firstItem = lines.find((l) => l.text.trim() !== '');
      if (typeof given === 'number') headerRaw = { [plate]: given };
    }
    const v = result.value.variables[variable.name] as BoundVariable;
    if (v.missing) {
      throw new StreamUsage(`--stream cannot fit data with missing entries ('${variable.name}' has some)`);
    }
    const n = (v.shape[0] ?? 0) - lead;
    d = v.itemSize;
    spool.file ??= new SpoolFile(d);
    spool.file.append(v.values.subarray(lead * d), n);
    rows += n;
    bound = result.value;
    return true;
  };

  const flush = (): boolean => {
    if (chunkItems === 0) return true;
    const ok = check(chunk, rows, false);
    chunk = [];
    chunkItems = 0;
    return ok;
  };

  try {
    let stopped = false;
    const problem = forEachFileLine(path, (number, _start, text) => {
      if (text.trim() === '') {
        if (sawFirst) chunk.push({ number, text });
        return true;
      }
      if (!sawFirst) {
        sawFirst = true;
        // The CSV header; an NDJSON first line of sizes only (else it is an item line).
        if (format === 'csv') {
          header = { number, text };
          return true;
        }
        try {
          const value: unknown = JSON.parse(text);
          const keys = isObject(value) ? Object.keys(value) : [];
          if (keys.length > 0 && keys.every((k) => sizeNames.has(k))) {
            header = { number, text };
            return true;
          }
        } catch {
          // An item line with a syntax error: the reader reports it.
        }
      }
      chunk.push({ number, text });
      chunkItems++;
      if (chunkItems >= chunkRows && !flush()) {
        stopped = true;
        return false;
      }
      return true;
    });
    if (problem) {
      const code = problem.kind === 'not-utf8' ? 'not-utf8' : problem.code;
      spool.file?.remove();
      return { diagnostics: [cannotReadData(path, code)], sources: [] };
    }
    if (!stopped) flush();
    if (failure || !bound || !spool.file) {
      spool.file?.remove();
      if (failure) return failure;
      // No rows: the reader and binder on the header alone say what is wrong.
      check([], 0, true);
      spool.file?.remove();
      return failure ?? { usage: `--stream: ${path} holds no rows` };
    }
    const fromHeader = headerRaw?.[plate];
    const declared = declaredN ?? (typeof fromHeader === 'number' ? fromHeader : undefined);
    if (declared !== undefined && declared !== rows) {
      spool.file.remove();
      const where = declaredN !== undefined ? `--size ${plate}=${declaredN}` : `the header's "${plate}": ${declared}`;
      return { usage: `${path} has ${rows} rows of '${variable.name}', but ${where}` };
    }
    const v = bound.variables[variable.name] as BoundVariable;
    const data: BoundData = {
      ...bound,
      sizes: { ...bound.sizes, [plate]: rows },
      variables: {
        ...bound.variables,
        [variable.name]: { ...v, shape: [rows, ...v.shape.slice(1)], values: streamedValues(rows * Math.max(d, 1)) },
      },
    };
    return { value: { spool: spool.file, data }, diagnostics: warnings };
  } catch (error) {
    spool.file?.remove();
    if (error instanceof StreamUsage) return { usage: error.message };
    throw error;
  }
}

/** A data file the streamed fit cannot take (a usage error). */
class StreamUsage extends Error {}
