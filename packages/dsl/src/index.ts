/**
 * @emforge/dsl — the model language front end: source files and spans, diagnostics and
 * their rendering, the AST with its factory, walker, printer and structural equality,
 * the chevrotain parser, and the TypeScript builder API.
 */

export * from './ast/equal.js';
export * from './ast/make.js';
export type * from './ast/nodes.js';
export * from './ast/print-ast.js';
export * from './ast/walk.js';
export * from './builder/api.js';
export * from './diagnostics/diagnostic.js';
export * from './diagnostics/message.js';
export * from './diagnostics/messages.js';
export * from './diagnostics/render.js';
export * from './diagnostics/span.js';
export * from './diagnostics/suggest.js';
export * from './syntax/parse-model.js';
