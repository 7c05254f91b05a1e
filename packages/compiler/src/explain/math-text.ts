/**
 * Small helpers that turn pieces of the model into formula text in the model's own names:
 * densities written `Family(value | args)`, a latent's element replaced by a state index
 * (`mu[z[n]]` → `mu[k]`), sums over plates, and fresh index letters that clash with nothing.
 */
import { type Expr, printExpr } from '@emforge/dsl';
import type { Factor, Plate } from '../graph/model-graph.js';

/** The variable an element reference starts from (`h` for `h[s][t - 1]`). */
export function rootName(e: Expr): string | undefined {
  if (e.kind === 'NameRef') return e.name;
  if (e.kind === 'Index') return rootName(e.target);
  return undefined;
}

/** The outermost element references of `name` inside `e`, printed (`z[n]`, `h[s][t - 1]`). */
export function refsOf(e: Expr, name: string): string[] {
  if ((e.kind === 'Index' || e.kind === 'NameRef') && rootName(e) === name) return [printExpr(e)];
  switch (e.kind) {
    case 'Index':
      return [...refsOf(e.target, name), ...e.indices.flatMap((i) => refsOf(i, name))];
    case 'Call':
      return e.args.flatMap((a) => refsOf(a, name));
    case 'Binary':
      return [...refsOf(e.left, name), ...refsOf(e.right, name)];
    case 'Unary':
      return refsOf(e.operand, name);
    case 'VectorLit':
      return e.elements.flatMap((a) => refsOf(a, name));
    default:
      return [];
  }
}

/** A substitution of printed element references (`z[n]` → `k`). */
export type Substitution = ReadonlyMap<string, string>;

/** Prints `e` with the substitution applied (`mu[z[n]]` with z[n] → k gives `mu[k]`). */
export function printWith(e: Expr, sub: Substitution): string {
  let text = printExpr(e);
  // Longest first, so that `h[s][t - 1]` is replaced before a shorter reference inside it.
  for (const [from, to] of [...sub].sort((a, b) => b[0].length - a[0].length)) text = text.split(from).join(to);
  return text;
}

/**
 * The density of a factor as a formula: `MvNormal(x[n] | mu[k], Sigma[k])`; a categorical
 * probability of a known state as `weights[k]`. `value` overrides the printed target.
 */
export function densityText(factor: Factor, sub: Substitution, value?: string): string {
  const target = value ?? printWith(factor.stmt.target, sub);
  const args = factor.stmt.args.map((a) => printWith(a, sub));
  if (factor.family === 'Categorical' && args.length === 1 && value !== undefined) return `${args[0] ?? ''}[${value}]`;
  return `${factor.family}(${target} | ${args.join(', ')})`;
}

/** `Σ_n`, or `Σ_{t=1}^{T[s]−1}` for a loop that starts after 0. */
export function sumOver(plate: Plate): string {
  if (!plate.offset) return plate.index.length === 1 ? `Σ_${plate.index}` : `Σ_{${plate.index}}`;
  const [lo, hi] = plate.range.split('..');
  return `Σ_{${plate.index}=${lo}}^{${hi}−1}`;
}

/** `Π_j` over a plate (used for the inner plates of a child factor). */
export function productOver(plate: Plate): string {
  return sumOver(plate).replace('Σ', 'Π');
}

/** `n ∈ 0 … N−1`, `t ∈ 1 … T[s]−1`. */
export function rangeText(plate: Plate): string {
  if (!plate.offset) return `${plate.index} ∈ 0 … ${plate.range}−1`;
  const [lo, hi] = plate.range.split('..');
  return `${plate.index} ∈ ${lo} … ${hi}−1`;
}

/** Picks `count` index letters from the preferred list that are not in `taken`. */
export function freshIndices(
  taken: ReadonlySet<string>,
  count: number,
  preferred = ['k', 'j', 'l', 'm', 'c', 'q'],
): string[] {
  const out: string[] = [];
  for (const letter of [...preferred, 'a', 'b', 'e', 'g', 'h', 'p', 'r', 'u', 'v']) {
    if (out.length === count) break;
    if (!taken.has(letter)) out.push(letter);
  }
  return out;
}

/** Joins product factors with a centred dot. */
export function product(terms: readonly string[]): string {
  return terms.filter((t) => t !== '').join(' · ');
}
