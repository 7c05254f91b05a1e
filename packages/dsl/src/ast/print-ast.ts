/** AST → source text, such that parse(print(ast)) equals ast up to ids and spans. */
import { InternalError } from '../diagnostics/diagnostic.js';
import type { Model } from './nodes.js';

export function printModel(model: Model): string {
  throw new InternalError(`printer not implemented yet (${model.name.name})`);
}
