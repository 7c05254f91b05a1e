/**
 * Reads a data file and binds it to a model's data schema: the one entry point `fit` (and any
 * command that takes data) uses. The format follows the file's extension: `.csv` (csv-parse),
 * `.ndjson` / `.jsonl` (one item per line), anything else JSON.
 */
import {
  type Diagnostic,
  dataMessages,
  hasErrors,
  makeDiagnostic,
  type PhaseResult,
  type SourceFile,
} from '@emforge/dsl';
import { type BindOptions, type BoundData, bindData, type DataSchema } from '@emforge/runtime';
import type { ColumnMap } from './columns.js';
import { dataProblemDiagnostic } from './data-diagnostics.js';
import type { ReadData } from './data-reader.js';
import { readCsvData } from './read-csv.js';
import { readJsonData } from './read-json.js';
import { readNdjsonData } from './read-ndjson.js';

/** A format `--posteriors` can write. */
export type DataFormat = 'json' | 'csv';

/** A format a data file can be read in. */
export type DataReadFormat = DataFormat | 'ndjson';

export function dataFormatOf(path: string): DataFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'json';
}

export function dataReadFormatOf(path: string): DataReadFormat {
  const lower = path.toLowerCase();
  return lower.endsWith('.ndjson') || lower.endsWith('.jsonl') ? 'ndjson' : dataFormatOf(path);
}

/** Options of reading a data file (beyond binding's). */
export interface ReadOptions {
  /** `--columns`: the CSV columns (NDJSON keys) of each variable; not for JSON. */
  readonly columns?: ColumnMap;
}

/** Parses a data file in its format, without binding it. */
export function readDataFile(file: SourceFile, schema: DataSchema, options: ReadOptions = {}): ReadData {
  switch (dataReadFormatOf(file.path)) {
    case 'csv':
      return readCsvData(file, schema, options);
    case 'ndjson':
      return readNdjsonData(file, schema, options);
    case 'json': {
      const read = readJsonData(file);
      const [variable] = Object.keys(options.columns ?? {});
      if (variable === undefined) return read;
      const problem = makeDiagnostic(dataMessages.columnsOption, undefined, {
        variable,
        problem: 'not-tabular',
        known: [],
      });
      return { diagnostics: [problem], locate: read.locate };
    }
  }
}

/**
 * Reads `file` and binds it to `schema` with `--size` overrides. Returns the bound data unless
 * an error was found; warnings (unknown keys) come with a value.
 */
export function loadData(
  file: SourceFile,
  schema: DataSchema,
  sizeOverrides: Readonly<Record<string, number>> = {},
  options: BindOptions & ReadOptions = {},
): PhaseResult<BoundData> {
  const read = readDataFile(file, schema, options);
  if (read.raw === undefined || hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics };
  const bound = bindData(schema, read.raw, sizeOverrides, options);
  const diagnostics: Diagnostic[] = [
    ...read.diagnostics,
    ...bound.problems.map((p) => dataProblemDiagnostic(p, read.locate)),
  ];
  return bound.value && !hasErrors(diagnostics) ? { value: bound.value, diagnostics } : { diagnostics };
}
