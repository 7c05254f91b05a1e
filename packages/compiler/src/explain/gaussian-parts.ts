/**
 * Reads the linear-Gaussian pieces of a factor that `explain` writes formulas with: the mean
 * split into its latent part and the rest (`mu + W * f[n]` → coefficient `W`, offset `mu`), and
 * the noise covariance of a Normal or MvNormal factor (`diag(psi²)`, `sigma² I`, `R`).
 */
import type { Expr } from '@emforge/dsl';
import type { Factor } from '../graph/model-graph.js';
import type { ExplainContext } from './explain-context.js';
import { printWith, refsOf, rootName, type Substitution } from './math-text.js';

export interface AffineParts {
  /** The matrix multiplying the latent (`W`, `W[z[n]]`, `A`), or undefined for a plain `+ f[n]`. */
  readonly coef?: Expr;
  /** The remaining terms of the sum (`mu`, `mu[z[n]]`). */
  readonly offset: readonly Expr[];
}

function terms(e: Expr): Expr[] {
  return e.kind === 'Binary' && e.op === '+' ? [...terms(e.left), ...terms(e.right)] : [e];
}

/** Splits a mean that is a sum with one term `M * latent[...]` (or `latent[...]`). */
export function splitAffine(mean: Expr, latent: string): AffineParts | undefined {
  const all = terms(mean);
  const withLatent = all.filter((t) => refsOf(t, latent).length > 0);
  if (withLatent.length !== 1) return undefined;
  const term = withLatent[0] as Expr;
  const offset = all.filter((t) => t !== term);
  if (term.kind === 'Binary' && term.op === '*' && refsOf(term.left, latent).length === 0)
    return { coef: term.left, offset };
  if (rootName(term) === latent) return { offset };
  return undefined;
}

/** The offset printed (`0` when there is none). */
export function offsetText(parts: AffineParts, sub: Substitution): string {
  return parts.offset.length === 0 ? '0' : parts.offset.map((o) => printWith(o, sub)).join(' + ');
}

/** Whether a variable's element type is a vector or matrix (its declaration has a shape after the colon). */
function isArrayValued(ctx: ExplainContext, e: Expr): boolean {
  const name = rootName(e);
  const v = name ? ctx.graph.variables.get(name) : undefined;
  if (!v) return false;
  const afterColon = v.declared.slice(v.declared.indexOf(':') + 1);
  return afterColon.includes('[');
}

/** The noise covariance of a Gaussian factor: `diag(psi²)`, `sigma² I`, or the covariance argument. */
export function noiseCovText(ctx: ExplainContext, factor: Factor, sub: Substitution): string {
  const arg = factor.stmt.args[1];
  if (!arg) return '?';
  const text = printWith(arg, sub);
  if (factor.family === 'MvNormal') return text;
  const base = /^[A-Za-z_][\w[\]]*$/.test(text) ? `${text}²` : `(${text})²`;
  return isArrayValued(ctx, arg) ? `diag(${base})` : `${base} I`;
}
