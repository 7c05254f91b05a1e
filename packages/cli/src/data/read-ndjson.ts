/**
 * Reads an NDJSON data file (`.ndjson`, `.jsonl`): one JSON object per line, each line one item
 * of the item plate — the size that indexes the first data declaration (`N` for `x[N]: real[D]`,
 * `S` for sequences `y[S][T]`), so `{"x": [3.6, 79]}` is one row and `{"y": [0, 2, 1]}` one
 * whole sequence. An optional first line whose keys are all sizes or data that are not per item
 * is the header (`{"K": 3, "emit": [[…], …]}`); `--size` works as for any data file.
 *
 * The text is walked one line at a time (each line parsed on its own, never the whole file as
 * one document), so a large file costs one small parse per line, and every problem names its
 * line. With `--columns x=waiting,eruptions` the per-item values come from those keys and other
 * keys are ignored. The result is the same JSON-like object a data.json holds, bound as usual.
 */
import { type Diagnostic, dataMessages, makeDiagnostic, type SourceFile, type Span } from '@emforge/dsl';
import type { DataSchema, DataVariableSchema } from '@emforge/runtime';
import type { ColumnMap } from './columns.js';
import type { DataFilePlace, ReadData } from './data-reader.js';
import { findJsonSyntaxError, locateJsonValue } from './json-text.js';

/** Options of `readNdjsonData`. */
export interface NdjsonReadOptions {
  /** `--columns`: the keys of each per-item variable named explicitly. */
  readonly columns?: ColumnMap;
}

/** Problems of one kind reported before the rest are only counted. */
const maxReported = 20;

/** A line of the file: its 1-based number and where it starts and ends in the text. */
interface Line {
  readonly number: number;
  readonly start: number;
  readonly end: number;
}

/** Calls `visit` for each non-blank line of `text` (a `\r` before the `\n` is dropped). */
function forEachLine(text: string, visit: (line: Line, content: string) => void): void {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let number = 1; start <= text.length; number++) {
    const newline = text.indexOf('\n', start);
    let end = newline < 0 ? text.length : newline;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    const content = text.slice(start, end);
    if (content.trim() !== '') visit({ number, start, end }, content);
    if (newline < 0) break;
    start = newline + 1;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The per-item variables: those indexed first by the first data declaration's first dim. */
function itemVariables(schema: DataSchema): readonly DataVariableSchema[] {
  const plate = schema.data.find((v) => v.dims.length > 0)?.dims[0];
  return plate === undefined ? [] : schema.data.filter((v) => v.dims[0] === plate);
}

export function readNdjsonData(file: SourceFile, schema: DataSchema, options: NdjsonReadOptions = {}): ReadData {
  const items = itemVariables(schema);
  const itemNames = new Set(items.map((v) => v.name));
  const wholeNames = new Set([...schema.sizes.map((s) => s.name), ...schema.data.map((v) => v.name)]);
  for (const name of itemNames) wholeNames.delete(name);
  const columns = options.columns ?? {};
  /** The keys of a line that hold a per-item variable (its own name, or its mapped columns). */
  const keysOf = new Map(items.map((v) => [v.name, columns[v.name] ?? [v.name]]));
  const itemKeys = new Set([...keysOf.values()].flat());
  const vectorMapped = (v: DataVariableSchema) => columns[v.name] !== undefined && v.dims.length + v.shape.length > 1;

  const itemLines: Line[] = [];
  let headerLine: Line | undefined;
  const lineSpan = (line: Line) => file.span(line.start, line.end);
  /** The span of `path` inside one line's object, or of the line. */
  const within = (line: Line, path: readonly (string | number)[]): Span => {
    const range = locateJsonValue(file.text.slice(line.start, line.end), path);
    return range ? file.span(line.start + range[0], line.start + range[1]) : lineSpan(line);
  };
  const locate = (place?: DataFilePlace): Span | undefined => {
    const first = headerLine ?? itemLines[0];
    if (!place) return first ? lineSpan(first) : undefined;
    const v = items.find((i) => i.name === place.key);
    if (!v) return headerLine ? within(headerLine, [place.key, ...place.index]) : first && lineSpan(first);
    const [item, ...rest] = place.index;
    const line = item === undefined ? itemLines[0] : itemLines[item];
    if (!line) return first && lineSpan(first);
    const mapped = columns[v.name];
    if (!mapped) return within(line, [v.name, ...rest]);
    const key = vectorMapped(v) ? mapped[rest[0] ?? 0] : mapped[0];
    return key === undefined ? lineSpan(line) : within(line, [key]);
  };

  const diagnostics: Diagnostic[] = [];
  let dropped = 0;
  const report = (d: Diagnostic) => {
    if (diagnostics.length < maxReported) diagnostics.push(d);
    else dropped++;
  };
  for (const [variable, cols] of Object.entries(columns)) {
    const v = items.find((i) => i.name === variable);
    if (!v) {
      const known = items.map((i) => i.name);
      report(makeDiagnostic(dataMessages.columnsOption, undefined, { variable, problem: 'unknown-variable', known }));
    } else if (cols.length > 1 && !vectorMapped(v)) {
      report(makeDiagnostic(dataMessages.columnsOption, undefined, { variable, problem: 'scalar-columns', known: [] }));
    }
  }
  if (diagnostics.length > 0) return { diagnostics, locate };

  const raw: Record<string, unknown> = {};
  const values = new Map<string, unknown[]>(items.map((v) => [v.name, []]));
  const known = items.map((v) => v.name);
  forEachLine(file.text, (line, content) => {
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      const error = findJsonSyntaxError(content) ?? { offset: 0, detail: 'the text cannot be parsed' };
      const at = line.start + Math.min(error.offset, content.length);
      report(
        makeDiagnostic(dataMessages.ndjsonSyntax, file.span(at, Math.min(at + 1, line.end)), {
          line: line.number,
          detail: error.detail,
        }),
      );
      return;
    }
    if (!isObject(value)) {
      const detail = `it holds ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`;
      report(makeDiagnostic(dataMessages.ndjsonSyntax, lineSpan(line), { line: line.number, detail }));
      return;
    }
    const keys = Object.keys(value);
    // Only a first line made of size and whole-data names is the header (a typo is an item line's error).
    const isHeader =
      itemLines.length === 0 && headerLine === undefined && keys.length > 0 && keys.every((k) => wholeNames.has(k));
    if (isHeader) {
      headerLine = line;
      Object.assign(raw, value);
      return;
    }
    let ok = true;
    for (const key of keys) {
      if (itemKeys.has(key) || (options.columns !== undefined && !wholeNames.has(key))) continue;
      const role = wholeNames.has(key) ? 'header' : 'item';
      report(makeDiagnostic(dataMessages.ndjsonKey, within(line, [key]), { line: line.number, key, role, known }));
      ok = false;
    }
    for (const v of items) {
      const cols = keysOf.get(v.name) ?? [];
      const absent = cols.find((c) => !(c in value));
      if (absent !== undefined) {
        report(
          makeDiagnostic(dataMessages.ndjsonKey, lineSpan(line), {
            line: line.number,
            key: absent,
            role: 'missing',
            known,
          }),
        );
        ok = false;
      }
    }
    if (!ok) return;
    itemLines.push(line);
    for (const v of items) {
      const cols = keysOf.get(v.name) ?? [];
      const entry = vectorMapped(v) ? cols.map((c) => value[c]) : value[cols[0] ?? v.name];
      values.get(v.name)?.push(entry);
    }
  });
  if (dropped > 0)
    diagnostics.push(makeDiagnostic(dataMessages.moreProblems, undefined, { variable: file.path, count: dropped }));
  if (diagnostics.length > 0) return { diagnostics, locate };
  for (const [name, column] of values) raw[name] = column;
  return { raw, diagnostics: [], locate };
}
