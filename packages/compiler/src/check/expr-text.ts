/**
 * Expressions printed back as the user would write them, for messages (`mu[z[n]]`,
 * `(1 - theta) / 4`). Works on builder-made trees too, which have no source text: it is the
 * language printer's own expression form.
 */
import { type Expr, printExpr } from '@emforge/dsl';

export function exprText(e: Expr): string {
  return printExpr(e);
}
