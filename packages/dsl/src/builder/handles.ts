/**
 * Typed handles for declarations. A handle stands for its declared name in expressions;
 * its TypeScript type carries what the compiler can check cheaply: a `VarRef` knows its
 * role (only variables can be sampled) and how many more indices it takes (declared dims
 * plus the element's rank), so `x.at(n, d, e)` on `data x[N]: real[D]` does not compile.
 */
import type { VarRole } from '../ast/nodes.js';
import { callSite } from './call-site.js';
import {
  Expression,
  type ExprLike,
  type HandleOrigin,
  type Indices,
  indexChain,
  indexGroup,
  type Lowering,
  lower,
  Term,
} from './expressions.js';

// ---------------------------------------------------------------- type-level counting

/** A tuple of length N; stops at 16 so that odd inputs (`never`, negatives) cannot recurse forever. */
type Tuple<N extends number, Acc extends unknown[] = []> = Acc['length'] extends N
  ? Acc
  : Acc['length'] extends 16
    ? unknown[]
    : Tuple<N, [...Acc, unknown]>;

type UpTo<D extends number, Acc extends ExprLike[] = [ExprLike]> = Acc['length'] extends D
  ? Acc
  : Acc | UpTo<D, [...Acc, ExprLike]>;

/** The index lists a handle of depth `D` accepts: 1 … D indices (any number when D is unknown). */
export type IndexArgs<D extends number> = number extends D ? Indices : D extends 0 ? never : UpTo<D>;

/** `A + B` for small non-negative literal numbers (`number` when either is unknown). */
export type Plus<A extends number, B extends number> = number extends A
  ? number
  : number extends B
    ? number
    : [...Tuple<A>, ...Tuple<B>]['length'] & number;

/** `A - B` for small literal numbers with B ≤ A (`number` when either is unknown). */
export type Minus<A extends number, B extends number> = [A | B] extends [never]
  ? never
  : number extends A
    ? number
    : number extends B
      ? number
      : Tuple<A> extends [...Tuple<B>, ...infer Rest]
        ? Rest['length']
        : never;

// ---------------------------------------------------------------- handles

/** Makes the `NameRef` of a handle after checking that it may be used here. */
function nameLowering(origin: HandleOrigin, name: string): Lowering {
  return (ctx, site) => {
    ctx.checkUse(origin, name);
    return ctx.factory.nameRef(site, name);
  };
}

/** A `size` (not ragged): usable as a dimension, a loop bound, or a number in expressions. */
export class SizeHandle extends Expression {
  /** @internal */
  constructor(
    readonly sizeName: string,
    /** @internal */
    readonly origin: HandleOrigin,
  ) {
    super(nameLowering(origin, sizeName));
  }
}

/**
 * A ragged size `size T[S]`: one length per index of `S`. It is a dimension (`y[S][T]`)
 * but not a number; `T.at(s)` is the length of sequence `s`.
 */
export class RaggedSizeHandle {
  /** @internal */
  readonly [lower]: Lowering;

  /** @internal */
  constructor(
    readonly sizeName: string,
    /** The name of the size it has one length per index of. */
    readonly over: string,
    /** @internal */
    readonly origin: HandleOrigin,
  ) {
    this[lower] = nameLowering(origin, sizeName);
  }

  /** `T[s]`: the length for index `s` of the outer size. */
  at(outer: ExprLike): Term {
    return Term.of(indexChain(this, [outer], callSite()));
  }
}

/** What may stand in a declaration's `[dims]`: sizes (ragged ones too), numbers, expressions. */
export type DimArg = ExprLike | RaggedSizeHandle;

/**
 * A `data`, `param` or `latent` variable, or an element of one (`x.at(n)`). `D` counts the
 * indices it still takes. Only these can be the target of `m.sample`.
 */
export class VarRef<R extends VarRole = VarRole, D extends number = number> extends Expression {
  /** @internal */
  constructor(
    readonly role: R,
    readonly varName: string,
    /** Indices still accepted: remaining dims plus the element rank (NaN when unknown). */
    readonly depth: D,
    lowering: Lowering,
  ) {
    super(lowering);
  }

  /** `x[i][j]…`: one bracket per index, as `y[s][t]` is written. */
  at<I extends IndexArgs<D>>(...indices: I): VarRef<R, Minus<D, I['length']>> {
    return this.indexed(indices, indexChain(this, indices, callSite()));
  }

  /** `x[i, j]`: one bracket with several indices (a matrix element `W[i, j]`). */
  index<I extends IndexArgs<D>>(...indices: I): VarRef<R, Minus<D, I['length']>> {
    return this.indexed(indices, indexGroup(this, indices, callSite()));
  }

  private indexed<I extends readonly ExprLike[]>(indices: I, lowering: Lowering): VarRef<R, Minus<D, I['length']>> {
    if (Number.isFinite(this.depth) && indices.length > this.depth) {
      throw new TypeError(
        `emforge builder: '${this.varName}' takes at most ${this.depth} more ${this.depth === 1 ? 'index' : 'indices'} here, got ${indices.length}`,
      );
    }
    return new VarRef(this.role, this.varName, (this.depth - indices.length) as Minus<D, I['length']>, lowering);
  }
}

/** Makes the handle of a freshly declared variable. */
export function varHandle<R extends VarRole, D extends number>(
  role: R,
  name: string,
  depth: D,
  origin: HandleOrigin,
): VarRef<R, D> {
  return new VarRef(role, name, depth, nameLowering(origin, name));
}

/** The index of a `for` loop, usable only inside the loop's body. */
export class PlateIndex extends Expression {
  /** @internal */
  constructor(
    readonly indexName: string,
    /** @internal */
    readonly origin: HandleOrigin,
  ) {
    super(nameLowering(origin, indexName));
  }
}

/** A `let` name: a deterministic expression, indexable like any expression. */
export class LetHandle extends Term {
  /** @internal */
  constructor(
    readonly letName: string,
    /** @internal */
    readonly origin: HandleOrigin,
  ) {
    super(nameLowering(origin, letName));
  }
}
