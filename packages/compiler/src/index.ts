/** @emforge/compiler — checking, the model IR, inference planning, explain and code generation. */
export * from './check/check-model.js';
export * from './pipeline.js';
