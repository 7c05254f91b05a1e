/** @emforge/compiler — checking, the model IR, inference planning, explain and code generation. */
export * from './check/check-model.js';
export type * from './check/sample-record.js';
export type * from './check/symbols.js';
export type * from './check/value-type.js';
export { formatType } from './check/value-type.js';
export * from './pipeline.js';
