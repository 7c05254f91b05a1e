/**
 * Reads a CSV data file (LANGUAGE.md, "Data files"): a header row, then one row per index of
 * the model's one data size. Two layouts:
 *
 *     x[N]: real[D]         the model's only data; the header names the D columns (any names)
 *     y[N]: count, X[N]: real[P], …
 *                           a column per scalar data name (`y`), and per vector entry
 *                           (`X.0`, `X.1`, … or `X[0]`, …)
 *
 * An empty cell is a missing entry (null); text that is not a number is kept as text so that
 * binding reports it at its row. Rows are numbered as lines of the file, the header being 1.
 */
import { type Diagnostic, dataMessages, makeDiagnostic, type SourceFile, type Span } from '@emforge/dsl';
import type { DataSchema, DataVariableSchema } from '@emforge/runtime';
import { type CsvError, parse } from 'csv-parse/sync';
import type { DataFilePlace, ReadData } from './data-reader.js';

/** Where a column's cells go: a scalar variable, or entry `entry` of a vector variable. */
interface ColumnTarget {
  readonly variable: string;
  readonly entry?: number;
}

interface CsvRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const specialNumbers: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/** A cell's value: null when empty, a number when it reads as one, else the text itself. */
export function parseCell(cell: string): number | string | null {
  const t = cell.trim();
  if (t === '') return null;
  if (numberPattern.test(t)) return Number(t);
  return specialNumbers[t.toLowerCase()] ?? t;
}

const isVector = (v: DataVariableSchema): boolean => v.shape.length === 1 && v.element !== 'cov';

/** The first declaration a CSV file cannot hold, or undefined when the layout fits. */
function unfitDeclaration(schema: DataSchema): DataVariableSchema | undefined {
  const first = schema.data[0];
  return schema.data.find(
    (v) => v.dims.length !== 1 || v.dims[0] !== first?.dims[0] || v.shape.length > 1 || v.element === 'cov',
  );
}

/** Maps header names to targets; reports names that are not data names, or repeated ones. */
function mapColumns(
  header: readonly string[],
  schema: DataSchema,
  report: (column: string, duplicate: boolean, at: number) => void,
): ColumnTarget[] | undefined {
  const only = schema.data[0];
  if (schema.data.length === 1 && only && isVector(only)) {
    return header.map((_, entry) => ({ variable: only.name, entry }));
  }
  const byName = new Map(schema.data.map((v) => [v.name, v]));
  const seen = new Set<string>();
  const targets: ColumnTarget[] = [];
  let ok = true;
  for (const [at, raw] of header.entries()) {
    const column = raw.trim();
    const parts = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.(\d+)|\[(\d+)\])$/.exec(column);
    const name = parts?.[1] ?? column;
    const entryText = parts?.[2] ?? parts?.[3];
    const v = byName.get(name);
    const fits = v !== undefined && (entryText === undefined ? !isVector(v) : isVector(v));
    if (!fits) {
      report(column, false, at);
      ok = false;
    } else if (seen.has(column)) {
      report(column, true, at);
      ok = false;
    } else {
      seen.add(column);
      targets.push(entryText === undefined ? { variable: name } : { variable: name, entry: Number(entryText) });
    }
  }
  return ok ? targets : undefined;
}

/** 0-based offsets where each line of `text` starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The span of one cell of a 1-based line, or of the whole line when it has quotes. */
function cellSpan(file: SourceFile, starts: readonly number[], line: number, column?: number): Span | undefined {
  const lineStart = starts[line - 1];
  if (lineStart === undefined) return undefined;
  const text = file.lineText(line);
  if (column === undefined || text.includes('"')) return file.span(lineStart, lineStart + text.length);
  const cells = text.split(',');
  let start = 0;
  for (let c = 0; c < column && c < cells.length; c++) start += (cells[c]?.length ?? 0) + 1;
  return file.span(lineStart + start, lineStart + start + (cells[column]?.length ?? 0));
}

export function readCsvData(file: SourceFile, schema: DataSchema): ReadData {
  const starts = lineStarts(file.text);
  let lines: number[] = [];
  let targets: ColumnTarget[] = [];
  const locate = (place?: DataFilePlace): Span | undefined => {
    if (!place || place.index.length === 0) return cellSpan(file, starts, lines[0] ?? 1);
    const row = place.index[0] ?? 0;
    const column = targets.findIndex((t) => t.variable === place.key && (t.entry ?? 0) === (place.index[1] ?? 0));
    return cellSpan(file, starts, lines[row + 1] ?? 1, column < 0 ? undefined : column);
  };
  const fail = (diagnostics: Diagnostic[]): ReadData => ({ diagnostics, locate });

  const unfit = unfitDeclaration(schema);
  if (unfit || schema.data.length === 0) {
    const declaration = unfit?.typeText ?? '(no data declarations)';
    return fail([makeDiagnostic(dataMessages.csvLayout, locate(), { declaration })]);
  }

  let records: CsvRecord[];
  try {
    const options = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true } as const;
    records = parse(file.text, options) as unknown as CsvRecord[];
  } catch (error) {
    const e = error as CsvError;
    const line = typeof e.lines === 'number' ? e.lines : 1;
    const detail = e.message.replace(/^[^:]*:\s*/, '').replace(/\s*at line \d+$/, '');
    return fail([makeDiagnostic(dataMessages.csvSyntax, cellSpan(file, starts, line), { row: line, detail })]);
  }
  lines = records.map((r) => r.info.lines);
  const [header, ...rows] = records;
  if (!header) return { raw: {}, diagnostics: [], locate };

  const diagnostics: Diagnostic[] = [];
  const known = schema.data.map((v) => v.name);
  const mapped = mapColumns(header.record, schema, (column, duplicate, at) => {
    const span = cellSpan(file, starts, header.info.lines, at);
    diagnostics.push(makeDiagnostic(dataMessages.csvHeader, span, { column, duplicate, known }));
  });
  for (const r of rows) {
    if (r.record.length !== header.record.length) {
      const cells = (n: number) => `${n} ${n === 1 ? 'cell' : 'cells'}`;
      const detail = `it has ${cells(r.record.length)}, but the header has ${cells(header.record.length)}`;
      const span = cellSpan(file, starts, r.info.lines);
      diagnostics.push(makeDiagnostic(dataMessages.csvSyntax, span, { row: r.info.lines, detail }));
    }
  }
  if (!mapped || diagnostics.length > 0) return fail(diagnostics);
  targets = mapped;

  const raw: Record<string, unknown[]> = {};
  for (const t of targets) raw[t.variable] ??= [];
  rows.forEach((r, n) => {
    targets.forEach((t, c) => {
      const value = parseCell(r.record[c] ?? '');
      const column = raw[t.variable] as unknown[];
      if (t.entry === undefined) column[n] = value;
      else {
        const row = (column[n] ?? []) as unknown[];
        row[t.entry] = value;
        column[n] = row;
      }
    });
  });
  // Entries no column gave (a gap in X.0, X.2) are missing, not holes.
  for (const column of Object.values(raw)) {
    for (const row of column) if (Array.isArray(row)) for (let j = 0; j < row.length; j++) row[j] ??= null;
  }
  return { raw, diagnostics: [], locate };
}
