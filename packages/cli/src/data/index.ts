/** Data files: JSON and CSV readers, and loading a file into the runtime's bound data. */
export * from './data-diagnostics.js';
export type * from './data-reader.js';
export * from './json-text.js';
export * from './load-data.js';
export { parseCell, readCsvData } from './read-csv.js';
export { readJsonData } from './read-json.js';
