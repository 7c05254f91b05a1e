/**
 * Element types for builder declarations: `real(D)` is the `real[D]` after a declaration's
 * colon. Each value records its rank (how many more indices an element takes: 0 for a
 * scalar or category, 1 for a vector, 2 for a matrix), which the typed handles use to
 * reject indexing too deep. `.optional()` is the `?` of `real[D]?`.
 */
import type { TypeExpr } from '../ast/nodes.js';
import type { Span } from '../diagnostics/span.js';
import { callSite } from './call-site.js';
import { checkExprLike, type ExprLike, type LowerContext, lowerExpr } from './expressions.js';
import { checkName } from './names.js';

/** One element type; `R` is its rank, `O` whether entries may be missing. */
export class ElementType<R extends number = number, O extends boolean = boolean> {
  /** @internal */
  constructor(
    readonly name: string,
    readonly args: readonly ExprLike[],
    /** Indices an element takes: 0 scalar, 1 vector, 2 matrix; NaN when unknown. */
    readonly rank: R,
    /** True for `TYPE?`: entries may be missing (only `data` may say so). */
    readonly allowsMissing: O,
    /** @internal */
    readonly site: Span,
  ) {}

  /** The same type with entries that may be missing: `real[D]?`. */
  optional(): ElementType<R, true> {
    return new ElementType(this.name, this.args, this.rank, true, callSite());
  }

  /** @internal */
  lower(ctx: LowerContext): TypeExpr {
    const { factory } = ctx;
    return factory.type(
      this.site,
      factory.identifier(this.site, this.name),
      this.args.map((a) => lowerExpr(a, ctx, this.site)),
    );
  }
}

/** A scalar type written bare (`count` for `count()`), accepted wherever a type is. */
export type ScalarTypeFunction = () => ElementType<0, false>;

/** What a declaration accepts as its type. */
export type TypeArg<O extends boolean = boolean> = ElementType<number, O> | ScalarTypeFunction;

/** The rank of a `TypeArg`, as a type. */
export type RankOf<T> = T extends ElementType<infer R, boolean> ? R : T extends ScalarTypeFunction ? 0 : number;

/** Resolves a bare scalar type function to its `ElementType`. */
export function toElementType(t: TypeArg): ElementType {
  const value: unknown = typeof t === 'function' ? t() : t;
  if (!(value instanceof ElementType)) {
    throw new TypeError(
      "emforge builder: a declaration's type must be an element type such as real(D), cat(K) or simplex(K)",
    );
  }
  return value;
}

function make<R extends number>(name: string, args: readonly ExprLike[], rank: R): ElementType<R, false> {
  for (const a of args) checkExprLike(a);
  return new ElementType(name, args, rank, false, callSite());
}

interface ShapedScalar {
  (rows: ExprLike, cols: ExprLike): ElementType<2, false>;
  (length: ExprLike): ElementType<1, false>;
  (): ElementType<0, false>;
}

function shaped(name: string): ShapedScalar {
  return ((...shape: ExprLike[]) => {
    if (shape.length > 2) throw new TypeError(`emforge builder: ${name}(…) takes at most two shape arguments`);
    return make(name, shape, shape.length);
  }) as ShapedScalar;
}

/** `real`, `real[D]`, `real[R, C]` */
export const real: ShapedScalar = shaped('real');
/** `positive`, `positive[D]`, `positive[R, C]`: strictly positive reals */
export const positive: ShapedScalar = shaped('positive');
/** `prob`, `prob[J]`: reals in [0, 1] */
export const prob: ShapedScalar = shaped('prob');
/** `int`, `int[D]`: integers */
export const int: ShapedScalar = shaped('int');
/** `count`, `count[K]`: non-negative integers */
export const count: ShapedScalar = shaped('count');

/** `cat[K]`: a category 0 … K−1 */
export function cat(categories: ExprLike): ElementType<0, false> {
  return make('cat', [categories], 0);
}

/** `simplex[K]`: a probability vector of length K */
export function simplex(length: ExprLike): ElementType<1, false> {
  return make('simplex', [length], 1);
}

/** `cov[D]`: a D×D symmetric positive-definite matrix */
export function cov(dim: ExprLike): ElementType<2, false> {
  return make('cov', [dim], 2);
}

/** Any other element type by name (for registry extensions); its rank is unknown. */
export function elementType(name: string, ...args: ExprLike[]): ElementType<number, false> {
  checkName(name, 'type');
  return make(name, args, Number.NaN);
}
