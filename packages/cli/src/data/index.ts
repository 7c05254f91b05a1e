/** Data files: JSON, CSV and NDJSON readers, `--columns`, and loading a file into the runtime's bound data. */
export * from './columns.js';
export * from './data-diagnostics.js';
export type * from './data-reader.js';
export { cannotReadData, openDataSource, StreamedSource } from './data-source.js';
export * from './json-text.js';
export * from './load-data.js';
export { type CsvReadOptions, parseCell, readCsvData, sequenceColumn } from './read-csv.js';
export { readJsonData } from './read-json.js';
export { type NdjsonReadOptions, readNdjsonData } from './read-ndjson.js';
