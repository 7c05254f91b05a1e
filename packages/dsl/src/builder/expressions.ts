/**
 * Builder expressions. An `Expression` is a recipe, not a node: it remembers where it was
 * written and makes fresh AST nodes each time a statement uses it, so one TypeScript value
 * may appear in several places of the model and every node still gets its own id. Numbers
 * and arrays stand for number and vector literals wherever an expression is expected.
 */
import type { AstFactory } from '../ast/make.js';
import type { BinaryOp, Expr } from '../ast/nodes.js';
import type { Span } from '../diagnostics/span.js';
import { callSite } from './call-site.js';
import { checkName, describe } from './names.js';

/** The key under which an expression keeps its node-making function (not exported by the package). */
export const lower: unique symbol = Symbol('emforge.builder.lower');

/** What node-making needs from the model under construction. */
export interface LowerContext {
  readonly factory: AstFactory;
  /** Throws a `TypeError` unless a handle with this origin may be referred to now. */
  checkUse(origin: HandleOrigin, name: string): void;
}

/** Where a handle was declared: which builder made it and inside which `for` body. */
export interface HandleOrigin {
  readonly owner: object;
  readonly scope: Scope;
  /** What the handle is, for messages: 'plate index', 'size', 'data', … */
  readonly what: string;
}

/** A model body or `for` body; `open` turns false when the body's callback returns. */
export interface Scope {
  open: boolean;
}

/**
 * Makes the node for an expression. `site` is the span of the call that embeds it, used by
 * values that have no call of their own (plain numbers, arrays, bare handles).
 */
export type Lowering = (ctx: LowerContext, site: Span) => Expr;

/** A number, an expression, or an array of these (a vector literal `[a, b, c]`). */
export type ExprLike = Expression | number | readonly ExprLike[];

/** One or more indices. */
export type Indices = [ExprLike, ...ExprLike[]];

/**
 * Anything that can stand in an expression. Arithmetic is available both as methods
 * (`a.add(b)`) and as functions (`add(a, b)`); both make the node the text `a + b` makes.
 */
export abstract class Expression {
  /** @internal */
  readonly [lower]: Lowering;

  /** @internal Expressions are made by the builder functions, not constructed directly. */
  protected constructor(lowering: Lowering) {
    this[lower] = lowering;
  }

  /** `this + other` */
  add(other: ExprLike): Term {
    return binary('+', this, other, callSite());
  }
  /** `this - other` */
  sub(other: ExprLike): Term {
    return binary('-', this, other, callSite());
  }
  /** `this * other` (the matrix–vector product when `this` is a matrix) */
  mul(other: ExprLike): Term {
    return binary('*', this, other, callSite());
  }
  /** `this / other` */
  div(other: ExprLike): Term {
    return binary('/', this, other, callSite());
  }
  /** `this ^ other` */
  pow(other: ExprLike): Term {
    return binary('^', this, other, callSite());
  }
  /** `-this` */
  neg(): Term {
    const site = callSite();
    return Term.of((ctx) => ctx.factory.unary(site, '-', lowerExpr(this, ctx, site)));
  }
}

/** A general expression: indexable with any number of indices. */
export class Term extends Expression {
  /** @internal */
  static of(lowering: Lowering): Term {
    return new Term(lowering);
  }

  /** `this[i][j]…`: one bracket per index, as `y[s][t]` is written. */
  at(...indices: Indices): Term {
    return Term.of(indexChain(this, indices, callSite()));
  }

  /** `this[i, j]`: one bracket holding several indices. */
  index(...indices: Indices): Term {
    return Term.of(indexGroup(this, indices, callSite()));
  }
}

/** Something that makes a node but is not an expression by itself (a ragged size). */
export interface Lowerable {
  readonly [lower]: Lowering;
}

function lowerTarget(target: ExprLike | Lowerable, ctx: LowerContext, site: Span): Expr {
  if (!(target instanceof Expression) && typeof target === 'object' && lower in target) return target[lower](ctx, site);
  return lowerExpr(target as ExprLike, ctx, site);
}

/** The node-making function of `target[i0][i1]…`, every bracket with the span `site`. */
export function indexChain(target: ExprLike | Lowerable, indices: readonly ExprLike[], site: Span): Lowering {
  checkIndices(indices);
  return (ctx) => {
    let node = lowerTarget(target, ctx, site);
    for (const i of indices) node = ctx.factory.index(site, node, [lowerExpr(i, ctx, site)]);
    return node;
  };
}

/** The node-making function of `target[i0, i1, …]`. */
export function indexGroup(target: ExprLike | Lowerable, indices: readonly ExprLike[], site: Span): Lowering {
  checkIndices(indices);
  return (ctx) =>
    ctx.factory.index(
      site,
      lowerTarget(target, ctx, site),
      indices.map((i) => lowerExpr(i, ctx, site)),
    );
}

function checkIndices(indices: readonly ExprLike[]): void {
  if (indices.length === 0) throw new TypeError('emforge builder: indexing needs at least one index');
  for (const i of indices) checkExprLike(i);
}

/** Throws a `TypeError` unless `value` can stand in an expression. */
export function checkExprLike(value: unknown): asserts value is ExprLike {
  if (value instanceof Expression) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`emforge builder: ${value} cannot be written in a model`);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) checkExprLike(v);
    return;
  }
  throw new TypeError(`emforge builder: expected an expression, a number or an array, got ${describe(value)}`);
}

/** Makes the node of any expression-like value; `site` serves values without a call site. */
export function lowerExpr(value: ExprLike, ctx: LowerContext, site: Span): Expr {
  if (value instanceof Expression) return value[lower](ctx, site);
  if (typeof value === 'number') return numberNode(ctx.factory, site, value);
  if (Array.isArray(value)) {
    return ctx.factory.vector(
      site,
      value.map((v: ExprLike) => lowerExpr(v, ctx, site)),
    );
  }
  checkExprLike(value);
  throw new TypeError('emforge builder: unreachable');
}

/** A JavaScript number as the parser would read its shortest text: `-2` is `-(2)`. */
function numberNode(factory: AstFactory, site: Span, value: number): Expr {
  checkExprLike(value);
  if (value < 0 || Object.is(value, -0)) {
    return factory.unary(site, '-', factory.number(site, -value, Number.isSafeInteger(-value)));
  }
  return factory.number(site, value, Number.isSafeInteger(value));
}

const numberText = /^(-?)(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

/**
 * A number literal written as in the model text, so that `num('2.0')` is the non-integer
 * literal `2.0` (a plain `2` is the integer literal). A leading `-` makes a unary minus.
 */
export function num(value: number | string): Term {
  const site = callSite();
  if (typeof value === 'number') {
    checkExprLike(value);
    return Term.of((ctx) => numberNode(ctx.factory, site, value));
  }
  const match = typeof value === 'string' ? numberText.exec(value) : null;
  if (!match) throw new TypeError(`emforge builder: '${String(value)}' is not a number literal of the model language`);
  const digits = match[2] ?? '';
  const isInteger = !/[.eE]/.test(digits);
  const magnitude = Number(digits);
  if (!Number.isFinite(magnitude)) throw new TypeError(`emforge builder: '${value}' is out of range`);
  const negative = match[1] === '-';
  return Term.of((ctx) => {
    const lit = ctx.factory.number(site, magnitude, isInteger);
    return negative ? ctx.factory.unary(site, '-', lit) : lit;
  });
}

/** A vector literal `[a, b, c]` (a plain array does the same). */
export function vec(...elements: ExprLike[]): Term {
  const site = callSite();
  for (const e of elements) checkExprLike(e);
  return Term.of((ctx) =>
    ctx.factory.vector(
      site,
      elements.map((e) => lowerExpr(e, ctx, site)),
    ),
  );
}

function binary(op: BinaryOp, left: ExprLike, right: ExprLike, site: Span): Term {
  checkExprLike(left);
  checkExprLike(right);
  return Term.of((ctx) => ctx.factory.binary(site, op, lowerExpr(left, ctx, site), lowerExpr(right, ctx, site)));
}

function fold(op: BinaryOp, operands: readonly ExprLike[], site: Span): Term {
  const [first, second, ...rest] = operands;
  if (first === undefined || second === undefined) {
    throw new TypeError(`emforge builder: '${op}' needs at least two operands`);
  }
  let result = binary(op, first, second, site);
  for (const r of rest) result = binary(op, result, r, site);
  return result;
}

/** `a + b + …` (left-associative, as written in text) */
export function add(a: ExprLike, b: ExprLike, ...more: ExprLike[]): Term {
  return fold('+', [a, b, ...more], callSite());
}
/** `a - b` */
export function sub(a: ExprLike, b: ExprLike): Term {
  return binary('-', a, b, callSite());
}
/** `a * b * …` (left-associative) */
export function mul(a: ExprLike, b: ExprLike, ...more: ExprLike[]): Term {
  return fold('*', [a, b, ...more], callSite());
}
/** `a / b` */
export function div(a: ExprLike, b: ExprLike): Term {
  return binary('/', a, b, callSite());
}
/** `a ^ b` */
export function pow(a: ExprLike, b: ExprLike): Term {
  return binary('^', a, b, callSite());
}
/** `-a` */
export function neg(a: ExprLike): Term {
  const site = callSite();
  checkExprLike(a);
  return Term.of((ctx) => ctx.factory.unary(site, '-', lowerExpr(a, ctx, site)));
}

/** `name(args)`: a call of any registry function (the typed ones are in `fn`). */
export function call(name: string, ...args: ExprLike[]): Term {
  const site = callSite();
  checkName(name, 'function');
  for (const a of args) checkExprLike(a);
  return Term.of((ctx) =>
    ctx.factory.call(
      site,
      ctx.factory.identifier(site, name),
      args.map((a) => lowerExpr(a, ctx, site)),
    ),
  );
}

/** The functions of LANGUAGE.md, typed by arity, plus `call` for registry extensions. */
export const fn = {
  /** `dot(a, b)`: inner product of two vectors */
  dot: (a: ExprLike, b: ExprLike): Term => call('dot', a, b),
  /** `exp(x)` (elementwise) */
  exp: (x: ExprLike): Term => call('exp', x),
  /** `log(x)` (elementwise) */
  log: (x: ExprLike): Term => call('log', x),
  /** `sqrt(x)` (elementwise) */
  sqrt: (x: ExprLike): Term => call('sqrt', x),
  /** `logistic(x)` = 1 / (1 + exp(-x)) (elementwise) */
  logistic: (x: ExprLike): Term => call('logistic', x),
  /** `softmax(v)`: a simplex from a real vector */
  softmax: (v: ExprLike): Term => call('softmax', v),
  /** `sum(v)` */
  sum: (v: ExprLike): Term => call('sum', v),
  /** `zeros(n)`: the zero vector of length n */
  zeros: (n: ExprLike): Term => call('zeros', n),
  /** `ones(n)`: the vector of n ones */
  ones: (n: ExprLike): Term => call('ones', n),
  /** `eye(n)`: the n×n identity matrix */
  eye: (n: ExprLike): Term => call('eye', n),
  /** `name(args)` for any other function of the registry */
  call,
} as const;
