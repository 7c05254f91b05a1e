/**
 * The only way to create AST nodes. The parser and the builder both use an `AstFactory`,
 * so the two produce identical trees. Each factory numbers its nodes from 1 in creation
 * order, which keeps ids unique within one tree and deterministic across runs.
 */
import type { Span } from '../diagnostics/span.js';
import type {
  AssignStmt,
  BinaryExpr,
  BinaryOp,
  CallExpr,
  ErrorNode,
  Expr,
  ForStmt,
  Identifier,
  IndexExpr,
  Item,
  LetDecl,
  Model,
  NameRef,
  NumberLit,
  SampleStmt,
  SizeDecl,
  SizeItem,
  TypeExpr,
  UnaryExpr,
  UnaryOp,
  VarDecl,
  VarRole,
  VectorLit,
} from './nodes.js';

export class AstFactory {
  private nextId = 1;

  private id(): number {
    return this.nextId++;
  }

  identifier(span: Span, name: string): Identifier {
    return { kind: 'Identifier', id: this.id(), span, name };
  }

  number(span: Span, value: number, isInteger: boolean): NumberLit {
    return { kind: 'NumberLit', id: this.id(), span, value, isInteger };
  }

  nameRef(span: Span, name: string): NameRef {
    return { kind: 'NameRef', id: this.id(), span, name };
  }

  index(span: Span, target: Expr, indices: readonly Expr[]): IndexExpr {
    return { kind: 'Index', id: this.id(), span, target, indices };
  }

  call(span: Span, callee: Identifier, args: readonly Expr[]): CallExpr {
    return { kind: 'Call', id: this.id(), span, callee, args };
  }

  binary(span: Span, op: BinaryOp, left: Expr, right: Expr): BinaryExpr {
    return { kind: 'Binary', id: this.id(), span, op, left, right };
  }

  unary(span: Span, op: UnaryOp, operand: Expr): UnaryExpr {
    return { kind: 'Unary', id: this.id(), span, op, operand };
  }

  vector(span: Span, elements: readonly Expr[]): VectorLit {
    return { kind: 'VectorLit', id: this.id(), span, elements };
  }

  error(span: Span, text: string): ErrorNode {
    return { kind: 'Error', id: this.id(), span, text };
  }

  type(span: Span, name: Identifier, args: readonly Expr[]): TypeExpr {
    return { kind: 'Type', id: this.id(), span, name, args };
  }

  sizeItem(span: Span, name: Identifier, options: { over?: Identifier; value?: Expr } = {}): SizeItem {
    const node: { -readonly [P in keyof SizeItem]: SizeItem[P] } = { kind: 'SizeItem', id: this.id(), span, name };
    if (options.over) node.over = options.over;
    if (options.value) node.value = options.value;
    return node;
  }

  sizeDecl(span: Span, items: readonly SizeItem[]): SizeDecl {
    return { kind: 'SizeDecl', id: this.id(), span, items };
  }

  varDecl(
    span: Span,
    role: VarRole,
    name: Identifier,
    dims: readonly Expr[],
    type: TypeExpr,
    optional: boolean,
  ): VarDecl {
    return { kind: 'VarDecl', id: this.id(), span, role, name, dims, type, optional };
  }

  letDecl(span: Span, name: Identifier, value: Expr): LetDecl {
    return { kind: 'LetDecl', id: this.id(), span, name, value };
  }

  forStmt(span: Span, index: Identifier, lo: Expr | undefined, hi: Expr, body: readonly Item[]): ForStmt {
    const node: { -readonly [P in keyof ForStmt]: ForStmt[P] } = { kind: 'For', id: this.id(), span, index, hi, body };
    if (lo) node.lo = lo;
    return node;
  }

  sample(span: Span, target: Expr, dist: Identifier, args: readonly Expr[]): SampleStmt {
    return { kind: 'Sample', id: this.id(), span, target, dist, args };
  }

  assign(span: Span, target: Expr, value: Expr): AssignStmt {
    return { kind: 'Assign', id: this.id(), span, target, value };
  }

  model(span: Span, name: Identifier, body: readonly Item[]): Model {
    return { kind: 'Model', id: this.id(), span, name, body };
  }
}
