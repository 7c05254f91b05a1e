/** @emforge/compiler — checking, the model IR, inference planning, explain and code generation. */

export type * from './analysis/structure-report.js';
export * from './check/check-model.js';
export type * from './check/sample-record.js';
export type * from './check/symbols.js';
export type * from './check/value-type.js';
export { formatType } from './check/value-type.js';
export { type EmitFitterOptions, emitFitter } from './codegen/emit-fitter.js';
export { explainPlan } from './explain/explain-model.js';
export type * from './graph/model-graph.js';
export { printGraph } from './graph/print-graph.js';
export { lowerDataSchema } from './lower/data-schema.js';
export { lowerFitProgram } from './lower/lower-fit-program.js';
export { lowerProgram } from './lower/lower-program.js';
export * from './pipeline.js';
export type * from './plan/inference-plan.js';
export { executedParam, executedPlan } from './plan/inference-plan.js';
export { printPlan } from './plan/print-plan.js';
export { updateRules } from './plan/rules/index.js';
export type { ParamContext, RuleMatch, UpdateRule } from './plan/rules/update-rule.js';
