/**
 * Lowers one expression of a factor inside the item plate to the runtime's `ValueSource`: a
 * constant, a param (whole or chosen by latents of the item: `mu[z[n]]`), a data variable (at
 * the item, whole, or chosen by latents), or a latent's own state. Inside inner loops of the
 * item (`for j in J { x[n][j] ~ Categorical(prob[z[n]][j]) }`) the inner indices must come last,
 * in loop order, each over the whole dimension it indexes: the value is then the whole
 * sub-array (`x[n]`, `prob[z[n]]`) and the kernel runs over it elementwise. Constant expressions
 * of numbers and sizes (`D + 2`, `0.5 * eye(D)`) are constants. Arithmetic and function calls
 * of those (`logistic(dot(X[n], beta[z[n]]))`) are expression sources (lower-expression.ts).
 * Anything else (lets, unsupported functions) is an obstacle, returned as a sentence for the
 * "not supported by the runtime yet" diagnostic.
 */
import type { Expr, NameRef } from '@emforge/dsl';
import { printExpr } from '@emforge/dsl';
import type { ConstantValue, DimEntry, ValueSource } from '@emforge/runtime';
import type { CheckedModel } from '../check/check-model.js';
import { lowerExpression } from './lower-expression.js';

export type Lowered<T> = { readonly value: T } | { readonly obstacle: string };

const obstacle = (why: string): { obstacle: string } => ({ obstacle: why });

/**
 * A literal, `-literal`, a vector of those, zeros/ones/eye of a size or length, or — given
 * `isSize`, which says which names are sizes — arithmetic (+ − * / ^, unary minus) of those and
 * of sizes (`D + 2`, `0.5 * eye(D)`), kept as an expression tree the runtime evaluates once the
 * sizes are bound. Given `wholeData` (see `wholeDataOf`), names of whole data variables are
 * constants too (`m0`, `nu / 2`), read from the bound data.
 */
export function lowerConstant(
  e: Expr,
  isSize?: (name: NameRef) => boolean,
  wholeData?: (name: NameRef) => ConstantValue | undefined,
): ConstantValue | undefined {
  if (e.kind === 'NumberLit') return { kind: 'number', value: e.value };
  if (e.kind === 'Unary' && e.operand.kind === 'NumberLit') return { kind: 'number', value: -e.operand.value };
  if (e.kind === 'NameRef' && wholeData) {
    const data = wholeData(e);
    if (data) return data;
  }
  if (isSize) {
    if (e.kind === 'NameRef' && isSize(e)) return { kind: 'size', name: e.name };
    if (e.kind === 'Unary') {
      const operand = lowerConstant(e.operand, isSize, wholeData);
      return operand && { kind: 'neg', operand };
    }
    if (e.kind === 'Binary') {
      const left = lowerConstant(e.left, isSize, wholeData);
      const right = lowerConstant(e.right, isSize, wholeData);
      return left && right && { kind: 'binary', op: e.op, left, right };
    }
  }
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
  /** Plain loops nested inside the item plate, outermost first (`j` over `J`). */
  readonly inner?: readonly { readonly index: string; readonly size: string }[];
}

/** What one index expression is: the item index, or a latent at the item (`z[n]`). */
function lowerIndex(e: Expr, ctx: ItemContext): 'item' | { latent: string } | { inner: number } | undefined {
  if (e.kind === 'NameRef' && e.name === ctx.index) return 'item';
  const inner = e.kind === 'NameRef' ? (ctx.inner ?? []).findIndex((p) => p.index === e.name) : -1;
  if (inner >= 0) return { inner };
  if (e.kind === 'Index' && e.target.kind === 'NameRef' && ctx.latents.has(e.target.name) && e.indices.length === 1) {
    const [i] = e.indices;
    if (i?.kind === 'NameRef' && i.name === ctx.index) return { latent: e.target.name };
  }
  return undefined;
}

/**
 * Names of data variables that are one value as a whole (no array dims: `data nu: positive`,
 * `data m0: real[D]`, `data Psi: cov[D]`) as constants read from the bound data; undefined for
 * any other name.
 */
export function wholeDataOf(checked: CheckedModel): (name: NameRef) => ConstantValue | undefined {
  return (name) => {
    const symbol = checked.references.get(name.id);
    if (symbol?.kind !== 'var' || symbol.role !== 'data' || symbol.arrayRank !== 0 || !symbol.type) return undefined;
    return { kind: 'data', name: symbol.name, scalar: symbol.type.shape.length === 0 };
  };
}

/** Which names are sizes, by the checker's resolution of each reference. */
export function sizeNames(checked: CheckedModel): (name: NameRef) => boolean {
  return (name) => checked.references.get(name.id)?.kind === 'size';
}

export function lowerValueSource(e: Expr, ctx: ItemContext): Lowered<ValueSource> {
  const constant = lowerConstant(e, sizeNames(ctx.checked));
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
  if (e.kind === 'Binary' || e.kind === 'Unary' || e.kind === 'Call' || e.kind === 'VectorLit') {
    const expr = lowerExpression(e, ctx);
    return 'obstacle' in expr ? expr : { value: { kind: 'expression', expr: expr.value, text } };
  }
  if (base.kind !== 'NameRef') return obstacle(`'${text}' is an expression the runtime cannot evaluate yet`);
  const symbol = ctx.checked.references.get(base.id);
  if (symbol?.kind !== 'var')
    return obstacle(`'${text}' refers to a ${symbol?.kind ?? 'name'} the runtime cannot read yet`);
  const lowered = indices.map((i) => lowerIndex(i, ctx));
  if (lowered.some((i) => i === undefined)) {
    return obstacle(`'${text}' is indexed by something other than the item index '${ctx.index}' or a latent at it`);
  }
  const inner = ctx.inner ?? [];
  const innerAt = lowered.flatMap((i) => (typeof i === 'object' && 'inner' in i ? [i.inner] : []));
  const outer = lowered.slice(0, lowered.length - innerAt.length);
  const name = base.name;
  if (innerAt.length > 0) {
    // The inner indices: all of them, last, in loop order, each over the whole dimension it indexes.
    const dims = symbol.decl.dims.slice(outer.length);
    const whole =
      innerAt.length === inner.length &&
      innerAt.every((k, m) => k === m) &&
      outer.every((i) => !(typeof i === 'object' && 'inner' in i)) &&
      dims.length === inner.length &&
      dims.every((d, m) => d.kind === 'NameRef' && d.name === inner[m]!.size);
    if (!whole) {
      const loops = inner.map((p) => `'${p.index}'`).join(', ');
      return obstacle(`'${text}' is not indexed last by the inner loop indices ${loops}, over whole dimensions`);
    }
  } else if (inner.length > 0 && symbol.role !== 'latent') {
    return obstacle(`'${text}' does not depend on the inner loop index '${inner[0]!.index}'`);
  }
  const atItem = outer.filter((i) => i === 'item').length;
  const selectors = outer.flatMap((i) => (typeof i === 'object' && 'latent' in i ? [i.latent] : []));
  switch (symbol.role) {
    case 'latent':
      if (atItem === 1 && lowered.length === 1 && innerAt.length === 0 && ctx.latents.has(name))
        return { value: { kind: 'state', latent: name } };
      return obstacle(`'${text}' uses latent '${name}' in a way the runtime cannot evaluate yet`);
    case 'data':
      if (atItem === 1 && outer.length === 1) return { value: { kind: 'data', name, atItem: true, selectors: [] } };
      if (atItem === 0 && selectors.length === outer.length)
        return { value: { kind: 'data', name, atItem: false, selectors } };
      return obstacle(`'${text}' indexes data '${name}' in a way the runtime cannot read yet`);
    case 'param':
      if (atItem === 0 && selectors.length + innerAt.length === symbol.arrayRank)
        return { value: { kind: 'param', name, selectors } };
      return obstacle(`'${text}' indexes param '${name}' other than by latents choosing one whole element`);
  }
}
