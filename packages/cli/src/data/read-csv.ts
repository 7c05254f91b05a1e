/**
 * Reads a CSV data file (LANGUAGE.md, "Data files"; parsed by csv-parse): a header row, then
 * one row per item. Two layouts:
 *
 *     wide   data over one size N: `x[N]: real[D]`, `y[N]: count`, `Y[N][J]: count`, …
 *            a column per scalar data name (`y`) and per vector entry (`x.0`, `x.1`, … or
 *            `x[0]`, …); a model whose only data is one vector takes any column names
 *     long   sequences `y[S][T]: …` with `size T[S]` ragged: a row per step, a `seq` column
 *            naming the row's sequence (any label; sequences are numbered in the order their
 *            labels first appear, steps in file order), the other columns as in `wide`
 *
 * `--columns x=waiting,eruptions` (a `ColumnMap`) names the columns of a variable explicitly
 * (`seq=subject` the sequence column); columns no variable takes are then ignored.
 *
 * An empty cell is a missing entry (null); text that is not a number is kept as text so that
 * binding reports it at its row. Rows are numbered as lines of the file, the header being 1.
 */
import { type Diagnostic, dataMessages, makeDiagnostic, type SourceFile, type Span } from '@emforge/dsl';
import type { DataSchema, DataVariableSchema } from '@emforge/runtime';
import { type CsvError, parse } from 'csv-parse/sync';
import type { ColumnMap } from './columns.js';
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

/** How the rows of a CSV file map onto the model's data. */
type CsvLayout =
  | { readonly kind: 'wide'; readonly variables: readonly DataVariableSchema[] }
  | { readonly kind: 'long'; readonly variables: readonly DataVariableSchema[] };

/** The name of the column that numbers the sequences of a long file. */
export const sequenceColumn = 'seq';

/**
 * Whether a value of `v` (after the dims that index rows, `rowDims` of them) spans several
 * columns: a vector element, or a rectangular last dim of a scalar (`Y[N][J]: count`).
 */
function isVectorIn(v: DataVariableSchema, rowDims: number, ragged: ReadonlySet<string>): boolean {
  const rest = v.dims.slice(rowDims);
  if (v.element === 'cov' || rest.length + v.shape.length > 1) return false;
  const extra = rest[0];
  return v.shape.length === 1 || (extra !== undefined && !(typeof extra === 'string' && ragged.has(extra)));
}

/** The layout the model's data fits, or the first declaration a CSV file cannot hold. */
function layoutOf(schema: DataSchema): CsvLayout | { readonly unfit: string } {
  const ragged = new Map(schema.sizes.filter((s) => s.over !== undefined).map((s) => [s.name, s.over as string]));
  const first = schema.data[0];
  if (!first) return { unfit: '(no data declarations)' };
  const outer = first.dims[0];
  const step = first.dims[1];
  const isLong = typeof step === 'string' && ragged.get(step) === outer;
  const fits = (v: DataVariableSchema): boolean =>
    isLong
      ? v.dims.length === 2 && v.dims[0] === outer && v.dims[1] === step && v.element !== 'cov' && v.shape.length <= 1
      : v.dims.length >= 1 &&
        v.dims[0] === outer &&
        (v.dims.length + v.shape.length === 1 || isVectorIn(v, 1, new Set(ragged.keys())));
  const unfit = schema.data.find((v) => !fits(v));
  if (unfit) return { unfit: unfit.typeText };
  return { kind: isLong ? 'long' : 'wide', variables: schema.data };
}

/** What the header's columns hold: a target per column (undefined: ignored), and the `seq` column. */
interface ColumnPlan {
  readonly targets: readonly (ColumnTarget | undefined)[];
  readonly sequence?: number;
}

/** A problem with the header or with `--columns`, at a header column when there is one. */
type HeaderProblem = (diagnostic: (span: Span | undefined) => Diagnostic, at?: number) => void;

/**
 * Maps the header's columns to targets: first the `--columns` mapping, then the remaining
 * variables by name (`y`, `x.0`, `x[0]`), or, for a model whose only data is one vector and
 * no mapping, every column. Without a mapping a column that names nothing is an error.
 */
function planColumns(
  header: readonly string[],
  layout: CsvLayout,
  columns: ColumnMap | undefined,
  report: HeaderProblem,
): ColumnPlan | undefined {
  // The layout is checked: a value spans several columns exactly when it has one dim more than the rows.
  const rowDims = layout.kind === 'long' ? 2 : 1;
  const vector = (v: DataVariableSchema) => v.dims.length + v.shape.length === rowDims + 1;
  const names = header.map((c) => c.trim());
  const targets: (ColumnTarget | undefined)[] = names.map(() => undefined);
  const byName = new Map(layout.variables.map((v) => [v.name, v]));
  const known = layout.variables.map((v) => v.name);
  let ok = true;

  const mapped = new Set<string>();
  let sequence: number | undefined;
  for (const [variable, cols] of Object.entries(columns ?? {})) {
    const isSeq = layout.kind === 'long' && variable === sequenceColumn && !byName.has(variable);
    const v = byName.get(variable);
    if (!v && !isSeq) {
      const choices = layout.kind === 'long' ? [...known, sequenceColumn] : known;
      report(() =>
        makeDiagnostic(dataMessages.columnsOption, undefined, {
          variable,
          problem: 'unknown-variable',
          known: choices,
        }),
      );
      ok = false;
      continue;
    }
    if ((isSeq || (v && !vector(v))) && cols.length !== 1) {
      report(() =>
        makeDiagnostic(dataMessages.columnsOption, undefined, { variable, problem: 'scalar-columns', known: [] }),
      );
      ok = false;
      continue;
    }
    for (const [entry, column] of cols.entries()) {
      const at = names.indexOf(column);
      if (at < 0) {
        report((span) =>
          makeDiagnostic(dataMessages.columnsOption, span, {
            variable,
            problem: 'unknown-column',
            column,
            known: names,
          }),
        );
        ok = false;
      } else if (isSeq) sequence = at;
      else targets[at] = v && vector(v) ? { variable, entry } : { variable };
    }
    mapped.add(variable);
  }

  const rest = layout.variables.filter((v) => !mapped.has(v.name));
  if (layout.kind === 'long' && sequence === undefined) {
    const at = names.indexOf(sequenceColumn);
    if (at >= 0 && !byName.has(sequenceColumn)) sequence = at;
  }
  const free = names.map((_, at) => at).filter((at) => at !== sequence && targets[at] === undefined);
  const only = rest[0];
  if (columns === undefined && rest.length === 1 && only && vector(only)) {
    free.forEach((at, entry) => {
      targets[at] = { variable: only.name, entry };
    });
    return ok ? { targets, ...(sequence === undefined ? {} : { sequence }) } : undefined;
  }
  const seen = new Set<string>();
  for (const at of free) {
    const column = names[at] as string;
    const parts = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.(\d+)|\[(\d+)\])$/.exec(column);
    const name = parts?.[1] ?? column;
    const entryText = parts?.[2] ?? parts?.[3];
    const v = rest.find((r) => r.name === name);
    const fits = v !== undefined && (entryText === undefined ? !vector(v) : vector(v));
    if (!fits) {
      if (columns !== undefined) continue;
      report((span) => makeDiagnostic(dataMessages.csvHeader, span, { column, duplicate: false, known }), at);
      ok = false;
    } else if (seen.has(column)) {
      report((span) => makeDiagnostic(dataMessages.csvHeader, span, { column, duplicate: true, known }), at);
      ok = false;
    } else {
      seen.add(column);
      targets[at] = entryText === undefined ? { variable: name } : { variable: name, entry: Number(entryText) };
    }
  }
  return ok ? { targets, ...(sequence === undefined ? {} : { sequence }) } : undefined;
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

/** Options of `readCsvData`. */
export interface CsvReadOptions {
  /** `--columns`: the columns of each variable named explicitly. */
  readonly columns?: ColumnMap;
}

export function readCsvData(file: SourceFile, schema: DataSchema, options: CsvReadOptions = {}): ReadData {
  const starts = lineStarts(file.text);
  let lines: number[] = [];
  let targets: readonly (ColumnTarget | undefined)[] = [];
  /** Record index (0 = header) of each row path: [n] in a wide file, [s][t] in a long one. */
  let recordAt: (index: readonly number[]) => number | undefined = (index) => (index[0] ?? 0) + 1;
  let rowDims = 1;
  const locate = (place?: DataFilePlace): Span | undefined => {
    if (!place || place.index.length === 0) return cellSpan(file, starts, lines[0] ?? 1);
    const record = recordAt(place.index);
    const entry = place.index[rowDims];
    const column = targets.findIndex((t) => t?.variable === place.key && (t.entry ?? 0) === (entry ?? 0));
    const line = record === undefined ? undefined : lines[record];
    return line === undefined ? undefined : cellSpan(file, starts, line, column < 0 ? undefined : column);
  };
  const fail = (diagnostics: Diagnostic[]): ReadData => ({ diagnostics, locate });

  const layout = layoutOf(schema);
  if ('unfit' in layout) {
    return fail([makeDiagnostic(dataMessages.csvLayout, locate(), { declaration: layout.unfit })]);
  }

  let records: CsvRecord[];
  try {
    const parseOptions = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true } as const;
    records = parse(file.text, parseOptions) as unknown as CsvRecord[];
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
  const plan = planColumns(header.record, layout, options.columns, (diagnostic, at) => {
    diagnostics.push(diagnostic(cellSpan(file, starts, header.info.lines, at)));
  });
  const declaration = layout.variables[0]?.typeText ?? '';
  if (plan && layout.kind === 'long' && plan.sequence === undefined) {
    const span = cellSpan(file, starts, header.info.lines);
    diagnostics.push(makeDiagnostic(dataMessages.csvSequence, span, { declaration, column: sequenceColumn }));
  }
  for (const r of rows) {
    if (r.record.length !== header.record.length) {
      const cells = (n: number) => `${n} ${n === 1 ? 'cell' : 'cells'}`;
      const detail = `it has ${cells(r.record.length)}, but the header has ${cells(header.record.length)}`;
      const span = cellSpan(file, starts, r.info.lines);
      diagnostics.push(makeDiagnostic(dataMessages.csvSyntax, span, { row: r.info.lines, detail }));
    } else if (plan?.sequence !== undefined && (r.record[plan.sequence] ?? '').trim() === '') {
      const column = header.record[plan.sequence]?.trim() ?? sequenceColumn;
      const span = cellSpan(file, starts, r.info.lines, plan.sequence);
      diagnostics.push(makeDiagnostic(dataMessages.csvSequence, span, { declaration, column, row: r.info.lines }));
    }
  }
  if (!plan || diagnostics.length > 0) return fail(diagnostics);
  targets = plan.targets;

  // The row path of each row: [n], or [s, t] with sequences in order of their labels' first rows.
  let paths: number[][];
  if (plan.sequence === undefined) paths = rows.map((_, n) => [n]);
  else {
    const seqColumn = plan.sequence;
    const sequences = new Map<string, { readonly index: number; readonly records: number[] }>();
    paths = rows.map((r, n) => {
      const label = (r.record[seqColumn] ?? '').trim();
      let sequence = sequences.get(label);
      if (!sequence) {
        sequence = { index: sequences.size, records: [] };
        sequences.set(label, sequence);
      }
      sequence.records.push(n + 1);
      return [sequence.index, sequence.records.length - 1];
    });
    const bySequence = [...sequences.values()].map((s) => s.records);
    rowDims = 2;
    recordAt = (index) => bySequence[index[0] ?? 0]?.[index[1] ?? 0];
  }

  const raw: Record<string, unknown[]> = {};
  for (const t of targets) if (t) raw[t.variable] ??= [];
  rows.forEach((r, n) => {
    const path = paths[n] as number[];
    targets.forEach((t, c) => {
      if (!t) return;
      const value = parseCell(r.record[c] ?? '');
      let container = raw[t.variable] as unknown[];
      for (const i of path.slice(0, -1)) {
        container[i] ??= [];
        container = container[i] as unknown[];
      }
      const last = path[path.length - 1] as number;
      if (t.entry === undefined) container[last] = value;
      else {
        const row = (container[last] ?? []) as unknown[];
        row[t.entry] = value;
        container[last] = row;
      }
    });
  });
  // Entries no column gave (a gap in X.0, X.2) are missing, not holes.
  const fillHoles = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    for (let j = 0; j < value.length; j++) {
      value[j] ??= null;
      fillHoles(value[j]);
    }
  };
  for (const column of Object.values(raw)) fillHoles(column);
  return { raw, diagnostics: [], locate };
}
