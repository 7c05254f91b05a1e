/**
 * Lowers one expression of a factor inside the item plate to the runtime's `ValueSource`: a
 * constant, a param (whole or chosen by latents of the item: `mu[z[n]]`), a data variable (at
 * the item, whole, or chosen by latents), or a latent's own state. Anything else (arithmetic,
 * function calls other than zeros/ones/eye of a size, lets) is an obstacle, returned as a
 * sentence for the "not supported by the runtime yet" diagnostic.
 */
import type { Expr } from '@emforge/dsl';
import { printExpr } from '@emforge/dsl';
import type { ConstantValue, DimEntry, ValueSource } from '@emforge/runtime';
import type { CheckedModel } from '../check/check-model.js';

export type Lowered<T> = { readonly value: T } | { readonly obstacle: string };

const obstacle = (why: string): { obstacle: string } => ({ obstacle: why });

/** A literal, `-literal`, a vector of those, or zeros/ones/eye of a size or length. */
export function lowerConstant(e: Expr): ConstantValue | undefined {
  if (e.kind === 'NumberLit') return { kind: 'number', value: e.value };
  if (e.kind === 'Unary' && e.operand.kind === 'NumberLit') return { kind: 'number', value: -e.operand.value };
  if (e.kind === 'VectorLit') {
    const values: number[] = [];
    for (const el of e.elements) {
      const c = lowerConstant(el);
      if (c?.kind !== 'number') return undefined;
      values.push(c.value);
    }
    return { kind: 'vector', values };
  }
  if (e.kind === 'Call' && e.args.length === 1) {
    const fn = e.callee.name;
    const arg = e.args[0]!;
    const size: DimEntry | undefined =
      arg.kind === 'NameRef' ? arg.name : arg.kind === 'NumberLit' ? arg.value : undefined;
    if ((fn === 'zeros' || fn === 'ones' || fn === 'eye') && size !== undefined) return { kind: 'fill', fn, size };
  }
  return undefined;
}

export interface ItemContext {
  readonly checked: CheckedModel;
  /** The plate's loop variable (`n`). */
  readonly index: string;
  /** The latents enumerated per item. */
  readonly latents: ReadonlySet<string>;
}

/** What one index expression is: the item index, or a latent at the item (`z[n]`). */
function lowerIndex(e: Expr, ctx: ItemContext): 'item' | { latent: string } | undefined {
  if (e.kind === 'NameRef' && e.name === ctx.index) return 'item';
  if (e.kind === 'Index' && e.target.kind === 'NameRef' && ctx.latents.has(e.target.name) && e.indices.length === 1) {
    const [i] = e.indices;
    if (i?.kind === 'NameRef' && i.name === ctx.index) return { latent: e.target.name };
  }
  return undefined;
}

export function lowerValueSource(e: Expr, ctx: ItemContext): Lowered<ValueSource> {
  const constant = lowerConstant(e);
  if (constant) return { value: { kind: 'constant', value: constant } };
  // `rate[a[n]][b[n]]` is an Index of an Index: collect the indices outermost first.
  const chain: (readonly Expr[])[] = [];
  let base: Expr = e;
  while (base.kind === 'Index') {
    chain.unshift(base.indices);
    base = base.target;
  }
  const indices = chain.flat();
  const text = printExpr(e);
  if (base.kind !== 'NameRef') return obstacle(`'${text}' is an expression the runtime cannot evaluate yet`);
  const symbol = ctx.checked.references.get(base.id);
  if (symbol?.kind !== 'var')
    return obstacle(`'${text}' refers to a ${symbol?.kind ?? 'name'} the runtime cannot read yet`);
  const lowered = indices.map((i) => lowerIndex(i, ctx));
  if (lowered.some((i) => i === undefined)) {
    return obstacle(`'${text}' is indexed by something other than the item index '${ctx.index}' or a latent at it`);
  }
  const atItem = lowered.filter((i) => i === 'item').length;
  const selectors = lowered.flatMap((i) => (typeof i === 'object' ? [i.latent] : []));
  const name = base.name;
  switch (symbol.role) {
    case 'latent':
      if (atItem === 1 && lowered.length === 1 && ctx.latents.has(name))
        return { value: { kind: 'state', latent: name } };
      return obstacle(`'${text}' uses latent '${name}' in a way the runtime cannot evaluate yet`);
    case 'data':
      if (atItem === 1 && lowered.length === 1) return { value: { kind: 'data', name, atItem: true, selectors: [] } };
      if (atItem === 0 && selectors.length === lowered.length)
        return { value: { kind: 'data', name, atItem: false, selectors } };
      return obstacle(`'${text}' indexes data '${name}' in a way the runtime cannot read yet`);
    case 'param':
      if (atItem === 0 && selectors.length === symbol.arrayRank) return { value: { kind: 'param', name, selectors } };
      return obstacle(`'${text}' indexes param '${name}' other than by latents choosing one whole element`);
  }
}
