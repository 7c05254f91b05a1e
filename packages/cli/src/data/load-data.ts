/**
 * Reads a data file and binds it to a model's data schema: the one entry point `fit` (and any
 * command that takes data) uses. The format follows the file's extension (`.csv`, else JSON).
 */
import { type Diagnostic, hasErrors, type PhaseResult, type SourceFile } from '@emforge/dsl';
import { type BindOptions, type BoundData, bindData, type DataSchema } from '@emforge/runtime';
import { dataProblemDiagnostic } from './data-diagnostics.js';
import type { ReadData } from './data-reader.js';
import { readCsvData } from './read-csv.js';
import { readJsonData } from './read-json.js';

export type DataFormat = 'json' | 'csv';

export function dataFormatOf(path: string): DataFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'json';
}

/** Parses a data file in its format, without binding it. */
export function readDataFile(file: SourceFile, schema: DataSchema): ReadData {
  return dataFormatOf(file.path) === 'csv' ? readCsvData(file, schema) : readJsonData(file);
}

/**
 * Reads `file` and binds it to `schema` with `--size` overrides. Returns the bound data unless
 * an error was found; warnings (unknown keys) come with a value.
 */
export function loadData(
  file: SourceFile,
  schema: DataSchema,
  sizeOverrides: Readonly<Record<string, number>> = {},
  options: BindOptions = {},
): PhaseResult<BoundData> {
  const read = readDataFile(file, schema);
  if (read.raw === undefined || hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics };
  const bound = bindData(schema, read.raw, sizeOverrides, options);
  const diagnostics: Diagnostic[] = [
    ...read.diagnostics,
    ...bound.problems.map((p) => dataProblemDiagnostic(p, read.locate)),
  ];
  return bound.value && !hasErrors(diagnostics) ? { value: bound.value, diagnostics } : { diagnostics };
}
