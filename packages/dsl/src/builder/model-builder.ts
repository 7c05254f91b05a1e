/**
 * The TypeScript builder API: the same `Model` AST the parser makes from text, written as
 * code with typed handles for declarations and plates as callbacks.
 *
 *     const gmm = model('gmm', (m) => {
 *       const [N, D] = m.sizes('N', 'D');                  // size N, D
 *       const K = m.size('K', 3);                           // size K = 3
 *       const x = m.data('x', [N], real(D));                // data x[N]: real[D]
 *       const w = m.param('weights', simplex(K));           // param weights: simplex[K]
 *       const z = m.latent('z', [N], cat(K));               // latent z[N]: cat[K]
 *       m.for('n', N, (n) => {                              // for n in N {
 *         m.sample(z.at(n), m.dist.Categorical(w));         //   z[n] ~ Categorical(weights)
 *       });                                                 // }
 *     });
 *
 * Every node gets the span of the TypeScript line that made it. Misuse the types cannot
 * catch (a keyword as a name, a plate index used after its loop, a handle of another model)
 * throws a `TypeError`; everything else is left to the checker, as for text.
 */
import { AstFactory } from '../ast/make.js';
import type { Expr, Item, Model, SizeItem, VarRole } from '../ast/nodes.js';
import type { Span } from '../diagnostics/span.js';
import { callSite } from './call-site.js';
import { Distribution, dist } from './distributions.js';
import { type RankOf, type TypeArg, toElementType } from './element-types.js';
import {
  call,
  checkExprLike,
  Expression,
  type ExprLike,
  fn,
  type HandleOrigin,
  type LowerContext,
  lower,
  lowerExpr,
  type Scope,
  type Term,
} from './expressions.js';
import {
  type DimArg,
  LetHandle,
  PlateIndex,
  type Plus,
  RaggedSizeHandle,
  SizeHandle,
  VarRef,
  varHandle,
} from './handles.js';
import { checkName, describe } from './names.js';

/** One item of `m.sizes(…)`: `'N'`, `{ name: 'K', value: 3 }` or `{ name: 'T', over: S }`. */
export type SizeSpec =
  | string
  | { readonly name: string; readonly value?: ExprLike }
  | { readonly name: string; readonly over: SizeHandle | string };

/** The handles `m.sizes(…)` returns, one per spec: ragged specs give ragged handles. */
export type SizeHandles<S extends readonly SizeSpec[]> = {
  -readonly [I in keyof S]: S[I] extends { readonly over: unknown } ? RaggedSizeHandle : SizeHandle;
};

/** The target of `~`: a variable or an element of one (not a size, index or expression). */
export type SampleTarget = Pick<VarRef, 'role' | 'varName' | 'depth'>;

/** Names a value passed where a variable was expected, for messages. */
function describeValue(value: unknown): string {
  if (value instanceof SizeHandle || value instanceof RaggedSizeHandle) return `the size '${value.sizeName}'`;
  if (value instanceof PlateIndex) return `the loop index '${value.indexName}'`;
  if (value instanceof LetHandle) return `the let '${value.letName}'`;
  if (value instanceof Expression) return 'an expression';
  return describe(value);
}

/** Builds a model; the callback declares and states its contents through `m`. */
export function model(name: string, body: (m: ModelBuilder) => void): Model {
  const site = callSite();
  checkName(name, 'model');
  const builder = new ModelBuilder(name, site);
  return builder.build(body);
}

interface Frame {
  readonly scope: Scope;
  readonly items: Item[];
}

/** The object passed to `model`'s callback. Each method adds one item where it is called. */
export class ModelBuilder {
  /** The distributions, for `m.sample(x, m.dist.Normal(mu, sd))` (same object as the `dist` export). */
  readonly dist: typeof dist = dist;
  /** The functions, for `m.fn.dot(a, b)` (same object as the `fn` export). */
  readonly fn: typeof fn = fn;

  private readonly factory = new AstFactory();
  private readonly frames: Frame[] = [];
  private state: 'new' | 'building' | 'built' = 'new';
  private readonly ctx: LowerContext;

  /** @internal Use `model(name, body)`. */
  constructor(
    readonly name: string,
    private readonly site: Span,
  ) {
    this.ctx = {
      factory: this.factory,
      checkUse: (origin, handleName) => this.checkUse(origin, handleName),
    };
  }

  /** @internal */
  build(body: (m: ModelBuilder) => void): Model {
    if (this.state !== 'new') {
      throw new TypeError(
        `emforge builder: model '${this.name}' is ${this.state === 'built' ? 'already built' : 'being built'}`,
      );
    }
    if (typeof body !== 'function') throw new TypeError(`emforge builder: model '${this.name}' needs a callback`);
    this.state = 'building';
    const root = this.runBody(() => body(this), `model '${this.name}'`);
    this.state = 'built';
    const f = this.factory;
    return f.model(this.site, f.identifier(this.site, this.name), root);
  }

  // ------------------------------------------------------------ sizes

  /** `size NAME` or `size NAME = VALUE` (a default that fit-time options override). */
  size(name: string, value?: ExprLike): SizeHandle {
    const site = this.enter();
    const spec: SizeSpec = value === undefined ? name : { name, value };
    const [handle] = this.sizeDecl([spec], site);
    return handle as SizeHandle;
  }

  /** `size A, B = 3, T[A]`: several sizes in one declaration, one handle each. */
  sizes<const S extends readonly SizeSpec[]>(...specs: S): SizeHandles<S> {
    const site = this.enter();
    if (specs.length === 0) throw new TypeError('emforge builder: m.sizes() needs at least one size');
    return this.sizeDecl(specs, site) as SizeHandles<S>;
  }

  /** `size NAME[OVER]`: a ragged size, one length per index of `over`. */
  ragged(name: string, over: SizeHandle | string): RaggedSizeHandle {
    const site = this.enter();
    const [handle] = this.sizeDecl([{ name, over }], site);
    return handle as RaggedSizeHandle;
  }

  private sizeDecl(specs: readonly SizeSpec[], site: Span): (SizeHandle | RaggedSizeHandle)[] {
    const f = this.factory;
    const origin = this.origin('size');
    const handles: (SizeHandle | RaggedSizeHandle)[] = [];
    const items: SizeItem[] = specs.map((spec) => {
      if (typeof spec === 'string') {
        handles.push(new SizeHandle(checkName(spec, 'size'), origin));
        return f.sizeItem(site, f.identifier(site, spec));
      }
      if (spec === null || typeof spec !== 'object') {
        throw new TypeError(
          `emforge builder: a size is a name or { name, value } or { name, over }, got ${describe(spec)}`,
        );
      }
      const name = checkName(spec.name, 'size');
      if ('over' in spec) {
        const over = this.sizeName(spec.over);
        handles.push(new RaggedSizeHandle(name, over, origin));
        return f.sizeItem(site, f.identifier(site, name), { over: f.identifier(site, over) });
      }
      handles.push(new SizeHandle(name, origin));
      if (spec.value === undefined) return f.sizeItem(site, f.identifier(site, name));
      checkExprLike(spec.value);
      return f.sizeItem(site, f.identifier(site, name), { value: lowerExpr(spec.value, this.ctx, site) });
    });
    this.push(f.sizeDecl(site, items));
    return handles;
  }

  private sizeName(over: SizeHandle | string): string {
    if (over instanceof SizeHandle) {
      this.checkUse(over.origin, over.sizeName);
      return over.sizeName;
    }
    return checkName(over, 'size');
  }

  // ------------------------------------------------------------ variables

  /** `data NAME[dims]: TYPE` (`TYPE?` with `.optional()`: entries may be missing). */
  data<const Dims extends readonly DimArg[], T extends TypeArg>(
    name: string,
    dims: Dims,
    type: T,
  ): VarRef<'data', Plus<Dims['length'], RankOf<T>>>;
  /** `data NAME: TYPE` */
  data<T extends TypeArg>(name: string, type: T): VarRef<'data', RankOf<T>>;
  data(name: string, dimsOrType: readonly DimArg[] | TypeArg, type?: TypeArg): VarRef<'data', number> {
    return this.declare('data', name, dimsOrType, type, this.enter());
  }

  /** `param NAME[dims]: TYPE`: a quantity to estimate. */
  param<const Dims extends readonly DimArg[], T extends TypeArg<false>>(
    name: string,
    dims: Dims,
    type: T,
  ): VarRef<'param', Plus<Dims['length'], RankOf<T>>>;
  /** `param NAME: TYPE` */
  param<T extends TypeArg<false>>(name: string, type: T): VarRef<'param', RankOf<T>>;
  param(name: string, dimsOrType: readonly DimArg[] | TypeArg, type?: TypeArg): VarRef<'param', number> {
    return this.declare('param', name, dimsOrType, type, this.enter());
  }

  /** `latent NAME[dims]: TYPE`: an unobserved random variable that EM integrates out. */
  latent<const Dims extends readonly DimArg[], T extends TypeArg<false>>(
    name: string,
    dims: Dims,
    type: T,
  ): VarRef<'latent', Plus<Dims['length'], RankOf<T>>>;
  /** `latent NAME: TYPE` */
  latent<T extends TypeArg<false>>(name: string, type: T): VarRef<'latent', RankOf<T>>;
  latent(name: string, dimsOrType: readonly DimArg[] | TypeArg, type?: TypeArg): VarRef<'latent', number> {
    return this.declare('latent', name, dimsOrType, type, this.enter());
  }

  private declare<R extends VarRole>(
    role: R,
    name: string,
    dimsOrType: readonly DimArg[] | TypeArg,
    typeArg: TypeArg | undefined,
    site: Span,
  ): VarRef<R, number> {
    checkName(name, role);
    const dims: readonly DimArg[] = Array.isArray(dimsOrType) ? dimsOrType : [];
    const type = toElementType(Array.isArray(dimsOrType) ? (typeArg as TypeArg) : (dimsOrType as TypeArg));
    const f = this.factory;
    const dimNodes = dims.map((d) => this.lowerDim(d, site));
    this.push(f.varDecl(site, role, f.identifier(site, name), dimNodes, type.lower(this.ctx), type.allowsMissing));
    return varHandle(role, name, dims.length + type.rank, this.origin(role));
  }

  private lowerDim(dim: DimArg, site: Span): Expr {
    if (dim instanceof RaggedSizeHandle) return dim[lower](this.ctx, site);
    checkExprLike(dim);
    return lowerExpr(dim, this.ctx, site);
  }

  /** `let NAME = VALUE`: a named deterministic expression. */
  let(name: string, value: ExprLike): LetHandle {
    const site = this.enter();
    checkName(name, 'let');
    checkExprLike(value);
    const f = this.factory;
    this.push(f.letDecl(site, f.identifier(site, name), lowerExpr(value, this.ctx, site)));
    return new LetHandle(name, this.origin('let'));
  }

  // ------------------------------------------------------------ statements

  /** `for NAME in BOUND { … }`: a plate over 0 … BOUND−1; `body` receives the index. */
  for(name: string, bound: ExprLike, body: (index: PlateIndex) => void): void {
    this.loop(name, undefined, bound, body, this.enter());
  }

  /** `for NAME in LO..HI { … }`: the half-open range LO … HI−1. */
  forRange(name: string, lo: ExprLike, hi: ExprLike, body: (index: PlateIndex) => void): void {
    this.loop(name, lo, hi, body, this.enter());
  }

  private loop(
    name: string,
    lo: ExprLike | undefined,
    hi: ExprLike,
    body: (index: PlateIndex) => void,
    site: Span,
  ): void {
    checkName(name, 'loop index');
    if (lo !== undefined) checkExprLike(lo);
    checkExprLike(hi);
    if (typeof body !== 'function')
      throw new TypeError(`emforge builder: the for loop over '${name}' needs a callback`);
    const f = this.factory;
    const loNode = lo === undefined ? undefined : lowerExpr(lo, this.ctx, site);
    const hiNode = lowerExpr(hi, this.ctx, site);
    const items = this.runBody(
      (scope) => body(new PlateIndex(name, { owner: this, scope, what: 'loop index' })),
      `the for loop over '${name}'`,
    );
    this.push(f.forStmt(site, f.identifier(site, name), loNode, hiNode, items));
  }

  /** `TARGET ~ DIST(args)`; on a `param` it is a prior (MAP). */
  sample(target: SampleTarget, distribution: Distribution): void {
    const site = this.enter();
    if (!(target instanceof VarRef)) {
      throw new TypeError(
        `emforge builder: only a data, param or latent variable (or an element of one) can be sampled, got ${describeValue(target)}`,
      );
    }
    if (!(distribution instanceof Distribution)) {
      throw new TypeError('emforge builder: the right of ~ must be a distribution such as m.dist.Normal(mu, sd)');
    }
    const f = this.factory;
    const d = distribution.site;
    const targetNode = lowerExpr(target, this.ctx, site);
    const args = distribution.args.map((a) => lowerExpr(a, this.ctx, d));
    this.push(f.sample(site, targetNode, f.identifier(d, distribution.name), args));
  }

  /** `name(args)`: a function call (the same as the `call` export). */
  call(name: string, ...args: ExprLike[]): Term {
    return call(name, ...args);
  }

  // ------------------------------------------------------------ internals

  /** Checks the builder is open for items, and returns the caller's span. */
  private enter(): Span {
    if (this.state !== 'building') {
      throw new TypeError(
        `emforge builder: model '${this.name}' is ${this.state === 'built' ? 'already built' : 'not being built'}; call m.… only inside model()'s callback`,
      );
    }
    return callSite();
  }

  private get frame(): Frame {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) throw new TypeError(`emforge builder: model '${this.name}' has no open body`);
    return frame;
  }

  private push(item: Item): void {
    this.frame.items.push(item);
  }

  private origin(what: string): HandleOrigin {
    return { owner: this, scope: this.frame.scope, what };
  }

  /** Runs a body callback in a new scope and returns the items it added. */
  private runBody(body: (scope: Scope) => unknown, what: string): Item[] {
    const frame: Frame = { scope: { open: true }, items: [] };
    this.frames.push(frame);
    try {
      const result = body(frame.scope);
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
        throw new TypeError(`emforge builder: the body of ${what} must be synchronous (it returned a promise)`);
      }
    } finally {
      frame.scope.open = false;
      this.frames.pop();
    }
    return frame.items;
  }

  private checkUse(origin: HandleOrigin, name: string): void {
    if (origin.owner !== this) {
      throw new TypeError(`emforge builder: ${origin.what} '${name}' belongs to another model than '${this.name}'`);
    }
    if (!origin.scope.open) {
      throw new TypeError(
        `emforge builder: ${origin.what} '${name}' is used outside the for loop that declared it (in model '${this.name}')`,
      );
    }
  }
}
