/**
 * Reads an NDJSON data file (`.ndjson`, `.jsonl`): one JSON object per line, each line one item
 * of the item plate — the size that indexes the first data declaration (`N` for `x[N]: real[D]`,
 * `S` for sequences `y[S][T]`), so `{"x": [3.6, 79]}` is one row and `{"y": [0, 2, 1]}` one
 * whole sequence. An optional first line whose keys are all sizes or data that are not per item
 * is the header (`{"K": 3, "emit": [[…], …]}`); `--size` works as for any data file.
 *
 * A file opened by `openDataSource` (a `StreamedSource`) is read as a stream: chunk by chunk,
 * one line at a time, each line parsed on its own and its values appended to growable packed
 * columns (item-columns.ts), so the whole text is never held; a `SourceFile` already in memory
 * is walked the same way. Every problem names its line. With `--columns x=waiting,eruptions`
 * the per-item values come from those keys and other keys are ignored. The result is the same
 * JSON-like object a data.json holds, bound as usual.
 */
import { type Diagnostic, dataMessages, makeDiagnostic, type SourceFile, type Span } from '@emforge/dsl';
import type { DataSchema, DataVariableSchema } from '@emforge/runtime';
import type { ColumnMap } from './columns.js';
import type { DataFilePlace, ReadData } from './data-reader.js';
import { cannotReadData, StreamedSource } from './data-source.js';
import { GrowableInt32, ItemColumn } from './item-columns.js';
import { findJsonSyntaxError, locateJsonValue } from './json-text.js';
import {
  forEachFileLine,
  forEachTextLine,
  type LineReadProblem,
  type LineVisitor,
  type TextLine,
  textLines,
} from './line-reader.js';

/** Options of `readNdjsonData`. */
export interface NdjsonReadOptions {
  /** `--columns`: the keys of each per-item variable named explicitly. */
  readonly columns?: ColumnMap;
}

/** Problems of one kind reported before the rest are only counted. */
const maxReported = 20;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The per-item variables: those indexed first by the first data declaration's first dim. */
function itemVariables(schema: DataSchema): readonly DataVariableSchema[] {
  const plate = schema.data.find((v) => v.dims.length > 0)?.dims[0];
  return plate === undefined ? [] : schema.data.filter((v) => v.dims[0] === plate);
}

/** How the lines of a file are walked, fetched back and pointed at. */
interface LineAccess {
  walk(visit: LineVisitor): LineReadProblem | undefined;
  /** The lines numbered in `numbers` (read back when they are not at hand). */
  fetch(numbers: readonly number[]): Map<number, TextLine>;
  /** The span of characters [a, b) of `line`'s text. */
  span(line: TextLine, a: number, b: number): Span;
  /** Called with each line a diagnostic points at, and with the count of lines at the end. */
  keep(line: TextLine): void;
  done(lines: number): void;
}

function streamedAccess(file: StreamedSource): LineAccess {
  return {
    walk: (visit) => forEachFileLine(file.path, visit),
    fetch: (numbers) => file.fetch(numbers),
    // The decoded stream has no byte-order mark, so a line's text starts at its column 1.
    span: (line, a, b) => ({
      file: file.path,
      start: line.start + a,
      end: line.start + Math.max(a, b),
      line: line.number,
      col: a + 1,
      endLine: line.number,
      endCol: Math.max(a, b) + 1,
    }),
    keep: (line) => file.remember(line),
    done: (lines) => file.setLineCount(lines),
  };
}

function textAccess(file: SourceFile): LineAccess {
  const cache = new Map<number, TextLine>();
  return {
    walk: (visit) => {
      forEachTextLine(file.text, visit);
      return undefined;
    },
    fetch: (numbers) => {
      const missing = numbers.filter((n) => !cache.has(n));
      for (const [n, line] of textLines(file.text, missing)) cache.set(n, line);
      const out = new Map<number, TextLine>();
      for (const n of numbers) {
        const line = cache.get(n);
        if (line) out.set(n, line);
      }
      return out;
    },
    span: (line, a, b) => file.span(line.start + a, line.start + b),
    keep: (line) => cache.set(line.number, line),
    done: () => undefined,
  };
}

export function readNdjsonData(file: SourceFile, schema: DataSchema, options: NdjsonReadOptions = {}): ReadData {
  const access = file instanceof StreamedSource ? streamedAccess(file) : textAccess(file);
  const items = itemVariables(schema);
  const itemNames = new Set(items.map((v) => v.name));
  const wholeNames = new Set([...schema.sizes.map((s) => s.name), ...schema.data.map((v) => v.name)]);
  for (const name of itemNames) wholeNames.delete(name);
  const columns = options.columns ?? {};
  /** The keys of a line that hold a per-item variable (its own name, or its mapped columns). */
  const keysOf = new Map(items.map((v) => [v.name, columns[v.name] ?? [v.name]]));
  const itemKeys = new Set([...keysOf.values()].flat());
  const vectorMapped = (v: DataVariableSchema) => columns[v.name] !== undefined && v.dims.length + v.shape.length > 1;

  /** The line number of each item. */
  const itemLines = new GrowableInt32();
  let headerLine: TextLine | undefined;
  const lineSpan = (line: TextLine) => access.span(line, 0, line.text.length);
  /** The span of `path` inside one line's object, or of the line. */
  const within = (line: TextLine, path: readonly (string | number)[]): Span => {
    const range = locateJsonValue(line.text, path);
    return range ? access.span(line, range[0], range[1]) : lineSpan(line);
  };
  const itemLine = (item: number): TextLine | undefined => {
    const number = itemLines.at(item);
    return number === undefined ? undefined : access.fetch([number]).get(number);
  };
  const locate = (place?: DataFilePlace): Span | undefined => {
    const first = headerLine ?? itemLine(0);
    if (!place) return first ? lineSpan(first) : undefined;
    const v = items.find((i) => i.name === place.key);
    if (!v) return headerLine ? within(headerLine, [place.key, ...place.index]) : first && lineSpan(first);
    const [item, ...rest] = place.index;
    const line = itemLine(item ?? 0);
    if (!line) return first && lineSpan(first);
    const mapped = columns[v.name];
    if (!mapped) return within(line, [v.name, ...rest]);
    const key = vectorMapped(v) ? mapped[rest[0] ?? 0] : mapped[0];
    return key === undefined ? lineSpan(line) : within(line, [key]);
  };

  const diagnostics: Diagnostic[] = [];
  let dropped = 0;
  const report = (d: Diagnostic, line?: TextLine) => {
    if (diagnostics.length < maxReported) {
      diagnostics.push(d);
      if (line) access.keep(line);
    } else dropped++;
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
  /** Each item's value nests as deep as the variable's dims after the item dim, then its shape. */
  const values = new Map(items.map((v) => [v.name, new ItemColumn(v.dims.length - 1 + v.shape.length)]));
  const known = items.map((v) => v.name);
  let lineCount = 0;
  const problem = access.walk((number, start, content) => {
    lineCount = number;
    if (content.trim() === '') return true;
    const line: TextLine = { number, start, text: content };
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      const error = findJsonSyntaxError(content) ?? { offset: 0, detail: 'the text cannot be parsed' };
      const at = Math.min(error.offset, content.length);
      report(
        makeDiagnostic(dataMessages.ndjsonSyntax, access.span(line, at, Math.min(at + 1, content.length)), {
          line: number,
          detail: error.detail,
        }),
        line,
      );
      return true;
    }
    if (!isObject(value)) {
      const detail = `it holds ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`;
      report(makeDiagnostic(dataMessages.ndjsonSyntax, lineSpan(line), { line: number, detail }), line);
      return true;
    }
    const keys = Object.keys(value);
    // Only a first line made of size and whole-data names is the header (a typo is an item line's error).
    const isHeader =
      itemLines.length === 0 && headerLine === undefined && keys.length > 0 && keys.every((k) => wholeNames.has(k));
    if (isHeader) {
      headerLine = line;
      access.keep(line);
      Object.assign(raw, value);
      return true;
    }
    let ok = true;
    for (const key of keys) {
      if (itemKeys.has(key) || (options.columns !== undefined && !wholeNames.has(key))) continue;
      const role = wholeNames.has(key) ? 'header' : 'item';
      report(makeDiagnostic(dataMessages.ndjsonKey, within(line, [key]), { line: number, key, role, known }), line);
      ok = false;
    }
    for (const v of items) {
      const cols = keysOf.get(v.name) ?? [];
      const absent = cols.find((c) => !(c in value));
      if (absent !== undefined) {
        report(
          makeDiagnostic(dataMessages.ndjsonKey, lineSpan(line), { line: number, key: absent, role: 'missing', known }),
          line,
        );
        ok = false;
      }
    }
    if (!ok) return true;
    itemLines.push(number);
    for (const v of items) {
      const cols = keysOf.get(v.name) ?? [];
      const entry = vectorMapped(v) ? cols.map((c) => value[c]) : value[cols[0] ?? v.name];
      values.get(v.name)?.push(entry);
    }
    return true;
  });
  access.done(lineCount);
  if (problem) {
    const code = problem.kind === 'not-utf8' ? 'not-utf8' : problem.code;
    return { diagnostics: [cannotReadData(file.path, code)], locate };
  }
  if (dropped > 0)
    diagnostics.push(makeDiagnostic(dataMessages.moreProblems, undefined, { variable: file.path, count: dropped }));
  if (diagnostics.length > 0) return { diagnostics, locate };
  for (const [name, column] of values) raw[name] = column.items();
  return { raw, diagnostics: [], locate };
}
