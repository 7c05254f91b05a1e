/**
 * CST (from parser.ts) → AST (nodes.ts), through `AstFactory`. Parentheses disappear, operator
 * chains become left-nested `Binary` nodes, and every node gets the span of its source text.
 * Regions the parser could not make sense of become `Error` nodes: a recovered item, tokens
 * skipped between items, or a recovered expression. The mistakes the grammar accepts on purpose
 * are reported here (a keyword used as a name, a missing comma, `x[N, D]`, Stan's loop header),
 * as are a call of something that is not a name and a missing `model` header.
 */
import type { CstNode, IToken } from 'chevrotain';
import { AstFactory } from '../ast/make.js';
import type { Expr, Identifier, Item, Model, SizeItem, TypeExpr, VarRole } from '../ast/nodes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/message.js';
import { syntaxMessages } from '../diagnostics/messages-syntax.js';
import type { SourceFile, Span } from '../diagnostics/span.js';
import { tokenMatcher } from './chevrotain.js';
import { type CstElement, childNode, childrenOf, childToken, extentOf, isReal, isToken } from './cst-access.js';
import { describeToken, tokenEnd } from './token-text.js';
import { Keyword, Separator } from './tokens.js';

/** Thrown when a node lacks a part it needs; the nearest item or expression becomes an `Error`. */
class Incomplete extends Error {}

export interface ConvertResult {
  readonly model: Model;
  readonly diagnostics: Diagnostic[];
  /** True when the file had a `model` header (false: headerless items, or nothing). */
  readonly hasHeader: boolean;
  /** True when a model or at least one item was recognised. */
  readonly hasItems: boolean;
}

export function cstToAst(cst: CstNode, tokens: readonly IToken[], source: SourceFile): ConvertResult {
  return new Converter(tokens, source).file(cst);
}

class Converter {
  private readonly make = new AstFactory();
  readonly diagnostics: Diagnostic[] = [];
  /** End offset of the last real token converted; places zero-width error nodes. */
  private cursor = 0;

  constructor(
    private readonly tokens: readonly IToken[],
    private readonly source: SourceFile,
  ) {}

  // ------------------------------------------------------------ CST access

  private all(node: CstNode, key: string): CstElement[] {
    return childrenOf(node, key);
  }

  private node(node: CstNode, key: string, i = 0): CstNode | undefined {
    return childNode(node, key, i);
  }

  private token(node: CstNode, key: string, i = 0): IToken | undefined {
    return childToken(node, key, i);
  }

  private need<T>(value: T | undefined): T {
    if (value === undefined) throw new Incomplete();
    return value;
  }

  /** A token that must be really present (not inserted by recovery), e.g. a name. */
  private realToken(node: CstNode, key: string, i = 0): IToken {
    const t = this.need(this.token(node, key, i));
    if (!isReal(t)) throw new Incomplete();
    return t;
  }

  // ------------------------------------------------------------ spans

  private extent(node: CstNode): [number, number] | undefined {
    return extentOf(node);
  }

  private spanOf(start: number, end: number): Span {
    this.cursor = Math.max(this.cursor, end);
    return this.source.span(start, end);
  }

  private tokenSpan(t: IToken): Span {
    return this.spanOf(t.startOffset, tokenEnd(t));
  }

  private nodeSpan(node: CstNode): Span {
    const e = this.extent(node);
    return e ? this.spanOf(e[0], e[1]) : this.emptySpan();
  }

  /** Index of the first token that starts at or after `offset`. */
  private tokenIndexAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.tokens[mid] as IToken).startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Zero-width span where the next token starts (a node that consumed nothing). */
  private emptySpan(): Span {
    const at = this.tokens[this.tokenIndexAt(this.cursor)]?.startOffset ?? this.cursor;
    return this.source.span(at, at);
  }

  private between(first: CstNode, last: CstNode): Span {
    const a = this.extent(first);
    const b = this.extent(last);
    if (!a || !b) throw new Incomplete();
    return this.spanOf(a[0], b[1]);
  }

  private errorNode(span: Span) {
    return this.make.error(span, this.source.text.slice(span.start, span.end));
  }

  // ------------------------------------------------------------ file, model, items

  file(cst: CstNode): ConvertResult {
    const model = this.node(cst, 'model');
    if (model) return { model: this.model(model), diagnostics: this.diagnostics, hasHeader: true, hasItems: true };
    const first = this.tokens[0];
    const hasItems = this.all(cst, 'item').length > 0;
    const items = first ? this.items(cst, 0, this.source.text.length) : [];
    if (first && hasItems) {
      this.diagnostics.push(
        makeDiagnostic(syntaxMessages.missingModelHeader, this.source.span(first.startOffset, tokenEnd(first)), {
          found: describeToken(first),
        }),
      );
    }
    const end = items.length > 0 ? (items[items.length - 1] as Item).span.end : 0;
    const name = this.make.identifier(this.source.span(0, 0), '');
    return {
      model: this.make.model(this.source.span(0, end), name, items),
      diagnostics: this.diagnostics,
      hasHeader: false,
      hasItems,
    };
  }

  private model(node: CstNode): Model {
    const keyword = this.need(this.token(node, 'Model'));
    const nameNode = this.node(node, 'declName');
    let name: Identifier;
    try {
      name = this.declName(this.need(nameNode));
    } catch (e) {
      if (!(e instanceof Incomplete)) throw e;
      name = this.make.identifier(this.emptySpan(), '');
    }
    const block = this.node(node, 'block');
    const body = block ? this.block(block) : [];
    const end = Math.max(this.extent(node)?.[1] ?? tokenEnd(keyword), ...body.map((i) => i.span.end));
    return this.make.model(this.spanOf(keyword.startOffset, end), name, body);
  }

  private block(node: CstNode): Item[] {
    const open = this.token(node, 'LCurly');
    const close = this.token(node, 'RCurly');
    const from = open && isReal(open) ? tokenEnd(open) : (this.extent(node)?.[0] ?? this.cursor);
    const to = close && isReal(close) ? close.startOffset : this.source.text.length;
    return this.items(node, from, to);
  }

  /**
   * The items of a block (or of a headerless file), with the tokens that the parser skipped
   * between them turned into `Error` items, or appended to the recovered item they follow.
   */
  private items(node: CstNode, from: number, to: number): Item[] {
    const items: Item[] = [];
    for (const e of this.all(node, 'item')) {
      if (!isToken(e)) items.push(this.item(e));
    }
    const out: Item[] = [];
    let k = 0;
    let run: IToken[] = [];
    const flush = () => {
      if (run.length === 0) return;
      const start = (run[0] as IToken).startOffset;
      const end = tokenEnd(run[run.length - 1] as IToken);
      const prev = out[out.length - 1];
      const gapIsBlank = prev !== undefined && /^[ \t\r]*$/.test(this.source.text.slice(prev.span.end, start));
      if (prev && prev.kind === 'Error' && gapIsBlank) {
        out[out.length - 1] = this.errorNode(this.source.span(prev.span.start, end));
      } else {
        out.push(this.errorNode(this.source.span(start, end)));
      }
      run = [];
    };
    for (let i = this.tokenIndexAt(from); i < this.tokens.length; i++) {
      const t = this.tokens[i] as IToken;
      if (t.startOffset >= to) break;
      while (k < items.length && (items[k] as Item).span.end <= t.startOffset) {
        flush();
        out.push(items[k] as Item);
        k++;
      }
      const current = items[k];
      if (current && current.span.start <= t.startOffset) continue; // inside an item
      if (tokenMatcher(t, Separator)) flush();
      else run.push(t);
    }
    flush();
    while (k < items.length) out.push(items[k++] as Item);
    return out;
  }

  private item(node: CstNode): Item {
    const inner = Object.values(node.children)[0]?.[0];
    const start = this.cursor;
    try {
      if (inner === undefined || isToken(inner)) throw new Incomplete();
      if (inner.name === 'forStmt') return this.forStmt(inner);
      if (node.recoveredNode || inner.recoveredNode) throw new Incomplete();
      switch (inner.name) {
        case 'sizeDecl':
          return this.sizeDecl(inner);
        case 'varDecl':
          return this.varDecl(inner);
        case 'letDecl':
          return this.letDecl(inner);
        default:
          return this.statement(inner);
      }
    } catch (e) {
      if (!(e instanceof Incomplete)) throw e;
      this.cursor = start;
      return this.errorNode(this.nodeSpan(node));
    }
  }

  private declName(node: CstNode): Identifier {
    const t = this.token(node, 'Identifier') ?? this.token(node, 'Keyword');
    if (!t || !isReal(t)) throw new Incomplete();
    const span = this.tokenSpan(t);
    if (tokenMatcher(t, Keyword))
      this.diagnostics.push(makeDiagnostic(syntaxMessages.keywordAsName, span, { name: t.image }));
    return this.make.identifier(span, t.image);
  }

  private identifier(t: IToken): Identifier {
    return this.make.identifier(this.tokenSpan(t), t.image);
  }

  private sizeDecl(node: CstNode): Item {
    const items: SizeItem[] = [];
    for (const e of this.all(node, 'sizeItem')) {
      if (!isToken(e)) items.push(this.sizeItem(e));
    }
    return this.make.sizeDecl(this.nodeSpan(node), items);
  }

  private sizeItem(node: CstNode): SizeItem {
    const name = this.declName(this.need(this.node(node, 'declName')));
    const options: { over?: Identifier; value?: Expr } = {};
    if (this.token(node, 'over')) options.over = this.identifier(this.realToken(node, 'over'));
    const value = this.node(node, 'expression');
    if (value) options.value = this.expr(value);
    return this.make.sizeItem(this.nodeSpan(node), name, options);
  }

  private varDecl(node: CstNode): Item {
    const roleToken = this.need(this.token(node, 'Role'));
    const role = roleToken.image as VarRole;
    const name = this.declName(this.need(this.node(node, 'declName')));
    const dims = this.all(node, 'dims').flatMap((e, i) => this.dims(e as CstNode, this.token(node, 'LBracket', i)));
    const type = this.typeExpr(this.need(this.node(node, 'typeExpr')));
    const optional = this.token(node, 'Question') !== undefined;
    return this.make.varDecl(this.nodeSpan(node), role, name, dims, type, optional);
  }

  /** One bracket of dimensions; `[N, P]` is reported and read as `[N][P]`, which is what it means. */
  private dims(list: CstNode, open: IToken | undefined): Expr[] {
    const exprs = this.argList(list);
    const comma = this.token(list, 'Comma');
    if (exprs.length > 1 && comma && open && isReal(open)) {
      const pos = this.source.position(open.startOffset);
      this.diagnostics.push(
        makeDiagnostic(
          syntaxMessages.unclosedBracket,
          this.source.span(comma.startOffset, tokenEnd(comma)),
          { open: '[', close: ']', line: pos.line, col: pos.col, found: "','", hint: 'dims' },
          { related: [{ span: this.source.span(open.startOffset, tokenEnd(open)), message: "'[' opened here" }] },
        ),
      );
    }
    return exprs;
  }

  private typeExpr(node: CstNode): TypeExpr {
    const name = this.identifier(this.realToken(node, 'Identifier'));
    const list = this.node(node, 'argList');
    const args = list ? this.argList(list) : [];
    return this.make.type(this.nodeSpan(node), name, args);
  }

  private letDecl(node: CstNode): Item {
    const name = this.declName(this.need(this.node(node, 'declName')));
    const value = this.expr(this.need(this.node(node, 'expression')));
    return this.make.letDecl(this.nodeSpan(node), name, value);
  }

  /**
   * A loop keeps its header and the items parsed so far even when its block was cut short.
   * Stan's `1:N` is read as what it means there, the N elements of `N` (`for n in N` here).
   */
  private forStmt(node: CstNode): Item {
    this.checkStanHeader(node);
    const index = this.declName(this.need(this.node(node, 'declName')));
    const first = this.expr(this.need(this.node(node, 'first')));
    const secondNode = this.node(node, 'second');
    const second = secondNode ? this.expr(secondNode) : undefined;
    const block = this.need(this.node(node, 'block'));
    const body = this.block(block);
    const [start, end0] = this.extent(node) ?? [index.span.start, index.span.end];
    const end = Math.max(end0, ...body.map((i) => i.span.end));
    const span = this.spanOf(start, end);
    if (!second) return this.make.forStmt(span, index, undefined, first, body);
    const stanFromOne = this.token(node, 'stanRange') && first.kind === 'NumberLit' && first.value === 1;
    return stanFromOne
      ? this.make.forStmt(span, index, undefined, second, body)
      : this.make.forStmt(span, index, first, second, body);
  }

  /** `for (n in 1:N)`: one diagnostic over the header, whichever of the two Stan habits it shows. */
  private checkStanHeader(node: CstNode): void {
    const open = this.token(node, 'LParen');
    const close = this.token(node, 'RParen');
    const colon = this.token(node, 'stanRange');
    const parts = [open, close, colon].filter((t): t is IToken => t !== undefined && isReal(t));
    if (parts.length === 0) return;
    const first = this.need(this.token(node, 'For'));
    const last = close && isReal(close) ? close : (parts[parts.length - 1] as IToken);
    const range = this.node(node, 'first');
    const start = open && isReal(open) ? open.startOffset : ((range && this.extent(range)?.[0]) ?? first.startOffset);
    this.diagnostics.push(
      makeDiagnostic(syntaxMessages.stanLoopHeader, this.source.span(start, tokenEnd(last)), {
        parens: open !== undefined || close !== undefined,
        colon: colon !== undefined,
      }),
    );
  }

  private statement(node: CstNode): Item {
    const target = this.expr(this.need(this.node(node, 'target')));
    if (this.token(node, 'Tilde')) {
      const dist = this.identifier(this.realToken(node, 'dist'));
      const list = this.node(node, 'argList');
      const args = list ? this.argList(list) : [];
      return this.make.sample(this.nodeSpan(node), target, dist, args);
    }
    const value = this.expr(this.need(this.node(node, 'value')));
    return this.make.assign(this.nodeSpan(node), target, value);
  }

  // ------------------------------------------------------------ expressions

  /** The expressions of a list; where two follow each other without a comma, the comma is reported missing. */
  private argList(node: CstNode): Expr[] {
    const exprs = this.all(node, 'expression').map((e) => this.expr(e as CstNode));
    const commas = this.all(node, 'Comma') as IToken[];
    if (commas.length < exprs.length - 1) {
      for (let i = 1; i < exprs.length; i++) {
        const prev = exprs[i - 1] as Expr;
        const next = exprs[i] as Expr;
        if (commas.some((c) => c.startOffset >= prev.span.end && c.startOffset < next.span.start)) continue;
        const first = this.tokens[this.tokenIndexAt(prev.span.end)];
        if (!first) continue;
        this.diagnostics.push(
          makeDiagnostic(syntaxMessages.missingComma, this.source.span(first.startOffset, tokenEnd(first)), {
            found: describeToken(first),
          }),
        );
      }
    }
    return exprs;
  }

  /** Any expression-level rule; a recovered or incomplete one becomes an `Error` node. */
  private expr(node: CstNode): Expr {
    if (node.recoveredNode) return this.errorNode(this.nodeSpan(node));
    const start = this.cursor;
    try {
      switch (node.name) {
        case 'expression':
        case 'term':
          return this.chain(node);
        case 'unary':
          return this.unary(node);
        case 'power':
          return this.power(node);
        case 'postfix':
          return this.postfix(node);
        default:
          return this.primary(node);
      }
    } catch (e) {
      if (!(e instanceof Incomplete)) throw e;
      this.cursor = start;
      return this.errorNode(this.nodeSpan(node));
    }
  }

  /** `a + b - c` (or `a * b / c`) as left-nested binaries. */
  private chain(node: CstNode): Expr {
    const operandKey = node.name === 'expression' ? 'term' : 'unary';
    const operands = this.all(node, operandKey) as CstNode[];
    const ops = this.all(node, node.name === 'expression' ? 'AddOp' : 'MulOp') as IToken[];
    const firstNode = this.need(operands[0]);
    let left = this.expr(firstNode);
    for (let i = 1; i < operands.length; i++) {
      const rightNode = operands[i] as CstNode;
      const right = this.expr(rightNode);
      const op = this.need(ops[i - 1]).image as '+' | '-' | '*' | '/';
      left = this.make.binary(this.between(firstNode, rightNode), op, left, right);
    }
    return left;
  }

  private unary(node: CstNode): Expr {
    const operand = this.node(node, 'unary');
    if (this.token(node, 'Minus') && operand) {
      const inner = this.expr(operand);
      return this.make.unary(this.nodeSpan(node), '-', inner);
    }
    return this.expr(this.need(this.node(node, 'power')));
  }

  private power(node: CstNode): Expr {
    const base = this.expr(this.need(this.node(node, 'postfix')));
    const exponent = this.node(node, 'exponent');
    if (!exponent) return base;
    const right = this.expr(exponent);
    return this.make.binary(this.nodeSpan(node), '^', base, right);
  }

  private postfix(node: CstNode): Expr {
    const primaryNode = this.need(this.node(node, 'primary'));
    let target = this.expr(primaryNode);
    const bareName =
      this.token(primaryNode, 'Identifier') !== undefined || this.token(primaryNode, 'Keyword') !== undefined;
    const suffixes = this.all(node, 'suffix') as CstNode[];
    for (let i = 0; i < suffixes.length; i++) {
      const suffix = suffixes[i] as CstNode;
      const list = this.node(suffix, 'argList');
      const args = list && !suffix.recoveredNode ? this.argList(list) : [];
      const span = this.between(primaryNode, suffix);
      if (suffix.recoveredNode) {
        target = this.errorNode(span);
      } else if (!this.token(suffix, 'LParen')) {
        target = this.make.index(span, target, args);
      } else if (i === 0 && bareName && target.kind === 'NameRef') {
        target = this.make.call(span, this.make.identifier(target.span, target.name), args);
      } else {
        const calleeStart = this.need(this.extent(primaryNode))[0];
        const calleeEnd = this.need(this.token(suffix, 'LParen')).startOffset;
        const text = this.source.text.slice(calleeStart, calleeEnd).trim();
        const number = this.token(primaryNode, 'NumberLiteral') !== undefined && i === 0;
        this.diagnostics.push(
          makeDiagnostic(syntaxMessages.callOnNonName, this.source.span(calleeStart, calleeEnd), { text, number }),
        );
        target = this.errorNode(span);
      }
    }
    return target;
  }

  private primary(node: CstNode): Expr {
    const num = this.token(node, 'NumberLiteral');
    if (num) {
      if (!isReal(num)) throw new Incomplete();
      return this.make.number(this.tokenSpan(num), Number(num.image), /^\d+$/.test(num.image));
    }
    const id = this.token(node, 'Identifier');
    if (id) {
      if (!isReal(id)) throw new Incomplete();
      return this.make.nameRef(this.tokenSpan(id), id.image);
    }
    const keyword = this.token(node, 'Keyword');
    if (keyword) {
      const span = this.tokenSpan(keyword);
      this.diagnostics.push(makeDiagnostic(syntaxMessages.keywordAsName, span, { name: keyword.image }));
      return this.make.nameRef(span, keyword.image);
    }
    if (this.token(node, 'LParen')) return this.expr(this.need(this.node(node, 'expression')));
    if (this.token(node, 'LBracket')) {
      const list = this.node(node, 'argList');
      const elements = list ? this.argList(list) : [];
      return this.make.vector(this.nodeSpan(node), elements);
    }
    throw new Incomplete();
  }
}
