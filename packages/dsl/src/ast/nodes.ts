/**
 * The model AST: a discriminated union on `kind`. Every node has a per-tree unique numeric
 * `id` (analyses key their side tables by it) and a source `span`. Nodes are immutable;
 * they are created only through `AstFactory` (make.ts), by the parser and by the builder.
 *
 * Surface syntax ↔ node:
 *   model NAME { ITEM* }                Model
 *   size N, K = 3, T[S]                 SizeDecl of SizeItem
 *   data|param|latent X[DIMS]: TYPE?    VarDecl (TYPE is TypeExpr; `?` = entries may be missing)
 *   let NAME = EXPR                     LetDecl
 *   for i in RANGE { ITEM* }            For (RANGE is `hi` or `lo..hi`)
 *   LHS ~ Dist(ARGS)                    Sample
 *   LHS = EXPR                          Assign (always rejected by the checker, with advice)
 *   a region that failed to parse       ErrorNode
 */
import type { Span } from '../diagnostics/span.js';

export type NodeId = number;

interface NodeBase {
  readonly id: NodeId;
  readonly span: Span;
}

export interface Identifier extends NodeBase {
  readonly kind: 'Identifier';
  readonly name: string;
}

// ---------------------------------------------------------------- expressions

export type BinaryOp = '+' | '-' | '*' | '/' | '^';
export type UnaryOp = '-';

export interface NumberLit extends NodeBase {
  readonly kind: 'NumberLit';
  /** The value; finite and non-negative (a minus sign is a `Unary`). */
  readonly value: number;
  /** True when written without a fraction or exponent (`3`, not `3.0` or `3e0`). */
  readonly isInteger: boolean;
}

/** A reference to a declared name, a plate index or a function-free constant. */
export interface NameRef extends NodeBase {
  readonly kind: 'NameRef';
  readonly name: string;
}

/** `target[i]` or `target[i, j]`; `y[s][t]` is an Index of an Index. */
export interface IndexExpr extends NodeBase {
  readonly kind: 'Index';
  readonly target: Expr;
  readonly indices: readonly Expr[];
}

/** `f(args)`: a function call in an expression. */
export interface CallExpr extends NodeBase {
  readonly kind: 'Call';
  readonly callee: Identifier;
  readonly args: readonly Expr[];
}

export interface BinaryExpr extends NodeBase {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface UnaryExpr extends NodeBase {
  readonly kind: 'Unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

/** `[a, b, c]` */
export interface VectorLit extends NodeBase {
  readonly kind: 'VectorLit';
  readonly elements: readonly Expr[];
}

/** A region that failed to parse; the parser reported a diagnostic for it. */
export interface ErrorNode extends NodeBase {
  readonly kind: 'Error';
  /** The source text that was skipped (for tooling; not printed back). */
  readonly text: string;
}

export type Expr = NumberLit | NameRef | IndexExpr | CallExpr | BinaryExpr | UnaryExpr | VectorLit | ErrorNode;

// ---------------------------------------------------------------- types

/**
 * The element type of a declaration: `real`, `real[D]`, `real[R, C]`, `cat[K]`,
 * `simplex[K]`, `cov[D]`, … The name is an identifier (not a keyword); the checker
 * validates it against the known types.
 */
export interface TypeExpr extends NodeBase {
  readonly kind: 'Type';
  readonly name: Identifier;
  readonly args: readonly Expr[];
}

// ---------------------------------------------------------------- declarations and statements

/** One name in a `size` declaration: `N`, `K = 3`, or the ragged `T[S]`. */
export interface SizeItem extends NodeBase {
  readonly kind: 'SizeItem';
  readonly name: Identifier;
  /** For a ragged size `T[S]`: the size it has one length per index of. */
  readonly over?: Identifier;
  /** The default value (`size K = 3`). */
  readonly value?: Expr;
}

export interface SizeDecl extends NodeBase {
  readonly kind: 'SizeDecl';
  readonly items: readonly SizeItem[];
}

export type VarRole = 'data' | 'param' | 'latent';

export interface VarDecl extends NodeBase {
  readonly kind: 'VarDecl';
  readonly role: VarRole;
  readonly name: Identifier;
  /** Array dimensions before the colon, outermost first: `x[N]` → [N]; `y[S][T]` → [S, T]. */
  readonly dims: readonly Expr[];
  readonly type: TypeExpr;
  /** `TYPE?`: entries may be missing. */
  readonly optional: boolean;
}

export interface LetDecl extends NodeBase {
  readonly kind: 'LetDecl';
  readonly name: Identifier;
  readonly value: Expr;
}

export interface ForStmt extends NodeBase {
  readonly kind: 'For';
  readonly index: Identifier;
  /** Lower bound of `lo..hi`; absent for `for i in N` (which starts at 0). */
  readonly lo?: Expr;
  /** Exclusive upper bound. */
  readonly hi: Expr;
  readonly body: readonly Item[];
}

/** `target ~ dist(args)` */
export interface SampleStmt extends NodeBase {
  readonly kind: 'Sample';
  readonly target: Expr;
  readonly dist: Identifier;
  readonly args: readonly Expr[];
}

/** `target = value` — not part of the language's meaning; parsed so the checker can explain. */
export interface AssignStmt extends NodeBase {
  readonly kind: 'Assign';
  readonly target: Expr;
  readonly value: Expr;
}

export type Declaration = SizeDecl | VarDecl | LetDecl;
export type Statement = ForStmt | SampleStmt | AssignStmt;
/** Anything that can appear in a model body or a `for` body. */
export type Item = Declaration | Statement | ErrorNode;

export interface Model extends NodeBase {
  readonly kind: 'Model';
  readonly name: Identifier;
  readonly body: readonly Item[];
}

export type Node = Model | Item | SizeItem | TypeExpr | Identifier | Expr;
export type NodeKind = Node['kind'];
