/** Data binding and validation: what a model expects of its data, and the bound, flat result. */
export * from './bind-data.js';
export * from './check-values.js';
export * from './data-problems.js';
export * from './data-schema.js';
