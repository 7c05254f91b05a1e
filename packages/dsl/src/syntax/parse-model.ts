/** Entry point of the front end: source text → `Model` AST plus syntax diagnostics. */

import type { Model } from '../ast/nodes.js';
import { InternalError, type PhaseResult } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../diagnostics/span.js';

/**
 * Parses one `.em` file. Never throws for bad input: syntax errors become diagnostics and
 * the regions they cover become `Error` nodes, so `value` is present whenever a `model`
 * header could be recognised (and otherwise too, as a model holding one error node).
 */
export function parseModel(source: SourceFile): PhaseResult<Model> {
  throw new InternalError(`parser not implemented yet (${source.path})`);
}
