/**
 * Chevrotain recognition errors → catalogue diagnostics. The parser's message provider only
 * records what chevrotain knows (the expected token type, the kind of failure); this module
 * looks at the tokens around the error to pick the message a person needs: a `}` missing at
 * the end of the file, an unclosed bracket with where it was opened, a missing `~`, two items
 * on one line, a second model, … Tokens are named by their text.
 */
import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import type { Diagnostic, RelatedInfo } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/message.js';
import { type SyntaxContext, syntaxMessages } from '../diagnostics/messages-syntax.js';
import type { SourceFile, Span } from '../diagnostics/span.js';
import { EOF, tokenMatcher } from './chevrotain.js';
import { decodeProblem } from './parser.js';
import { describeToken, describeTokenType, tokenEnd } from './token-text.js';
import {
  allTokens,
  ForKw,
  Identifier,
  Keyword,
  LBracket,
  LCurly,
  LetKw,
  LParen,
  Minus,
  ModelKw,
  NumberLiteral,
  RBracket,
  RCurly,
  Role,
  RParen,
  Separator,
  SizeKw,
} from './tokens.js';

export interface ErrorContext {
  readonly source: SourceFile;
  readonly tokens: readonly IToken[];
  /** The file starts with a `model` header. */
  readonly hasHeader: boolean;
  /** Something (a model or items) was recognised before the error. */
  readonly hasContent: boolean;
}

const tokenTypesByName = new Map<string, TokenType>([...allTokens.map((t) => [t.name, t] as const), ['EOF', EOF]]);

const itemStarters: readonly TokenType[] = [
  Identifier,
  NumberLiteral,
  LParen,
  LBracket,
  Minus,
  SizeKw,
  Role,
  LetKw,
  ForKw,
];
const closers = new Map<TokenType, TokenType>([
  [RParen, LParen],
  [RBracket, LBracket],
  [RCurly, LCurly],
]);

const ruleContexts: Record<string, SyntaxContext> = {
  model: 'model',
  sizeDecl: 'size',
  sizeItem: 'size',
  varDecl: 'declaration',
  typeExpr: 'type',
  letDecl: 'let',
  forStmt: 'for',
  statement: 'statement',
};

/** Diagnostics for the parser's errors, one per place (recovery can trip over one token twice). */
export function describeParseErrors(errors: readonly IRecognitionException[], ctx: ErrorContext): Diagnostic[] {
  if (errors.length === 0) return [];
  const describer = new ErrorDescriber(ctx);
  const seen = new Set<number>();
  const out: Diagnostic[] = [];
  for (const error of errors) {
    const d = describer.describe(error);
    if (!d?.span || seen.has(d.span.start)) continue;
    seen.add(d.span.start);
    out.push(d);
  }
  return out;
}

/**
 * Where a complete item was directly followed by the start of another on the same line
 * (`x ~ F() y ~ G()`): the indices of the tokens before which a separator is missing.
 */
export function missingSeparators(errors: readonly IRecognitionException[], tokens: readonly IToken[]): number[] {
  if (errors.length === 0) return [];
  const view = new TokenView(tokens);
  return errors.flatMap((e) => {
    const problem = decodeProblem(e.message);
    if (problem.kind !== 'mismatch' || (problem.expected !== 'RCurly' && problem.expected !== 'EOF')) return [];
    const idx = view.indexOf(e.token);
    return view.isMissingSeparator(idx) ? [idx] : [];
  });
}

/** Index lookups and token-type tests on a token vector. */
class TokenView {
  private readonly index = new Map<IToken, number>();

  constructor(readonly tokens: readonly IToken[]) {
    for (const [i, t] of tokens.entries()) this.index.set(t, i);
  }

  /** The token's index in the vector (the end of the file for EOF and tokens inserted by recovery). */
  indexOf(token: IToken): number {
    return this.index.get(token) ?? this.tokens.length;
  }

  is(idx: number, type: TokenType): boolean {
    const t = this.tokens[idx];
    return t !== undefined && tokenMatcher(t, type);
  }

  /** A complete item ends before `idx` and another item starts there, with no separator between. */
  isMissingSeparator(idx: number): boolean {
    if (idx === 0 || idx >= this.tokens.length) return false;
    if (this.is(idx - 1, Separator) || this.is(idx - 1, LCurly)) return false;
    return itemStarters.some((t) => this.is(idx, t));
  }
}

class ErrorDescriber {
  private readonly view: TokenView;

  constructor(private readonly ctx: ErrorContext) {
    this.view = new TokenView(ctx.tokens);
  }

  describe(error: IRecognitionException): Diagnostic | undefined {
    const problem = decodeProblem(error.message);
    const idx = this.indexOf(error.token);
    const at = this.spanAt(idx);
    const found = describeToken(this.ctx.tokens[idx]);
    const rules = error.context?.ruleStack ?? [];
    const rule = rules[rules.length - 1] ?? '';
    const m = syntaxMessages;
    switch (problem.kind) {
      case 'notAllInput':
        return this.leftover(idx);
      case 'mismatch': {
        const expected = tokenTypesByName.get(problem.expected) ?? EOF;
        if (expected === RCurly || expected === EOF) return this.afterItems(idx, at, found);
        if (expected === RParen || expected === RBracket) return this.unclosed(expected, idx, at, found, rule);
        if (expected === LParen) {
          const name = this.ctx.tokens[idx - 1]?.image ?? '';
          return makeDiagnostic(m.missingArguments, at, { name, found });
        }
        return this.expected(this.expectedText(expected, rule), idx, at, found, rules);
      }
      case 'noViableAlt':
      case 'earlyExit': {
        if (rule === 'primary' || rule === 'unary') {
          const keyword = this.is(idx, Keyword);
          const after = this.textBefore(idx);
          return makeDiagnostic(m.expectedExpression, at, after ? { found, after, keyword } : { found, keyword });
        }
        if (rule === 'statement') {
          return makeDiagnostic(m.missingTilde, at, { target: this.textBefore(idx) ?? '', found });
        }
        if (rule === 'declName') return this.expected('a name', idx, at, found, rules);
        const options = problem.expected.map((n) => describeTokenType(tokenTypesByName.get(n)));
        if (options.length === 0) return makeDiagnostic(m.unexpectedToken, at, { found, closer: this.isCloser(idx) });
        return this.expected(options.join(' or '), idx, at, found, rules);
      }
    }
  }

  // ------------------------------------------------------------ cases

  private expected(expected: string, idx: number, at: Span, found: string, rules: readonly string[]): Diagnostic {
    const after = this.textBefore(idx);
    const owner = [...rules].reverse().find((r) => ruleContexts[r] !== undefined);
    const context = owner ? ruleContexts[owner] : undefined;
    const args: { expected: string; found: string; after?: string; context?: SyntaxContext } = { expected, found };
    if (after) args.after = after;
    if (context) args.context = context;
    return makeDiagnostic(syntaxMessages.expectedToken, at, args);
  }

  private expectedText(expected: TokenType, rule: string): string {
    if (expected === Identifier) {
      if (rule === 'statement') return 'a distribution name';
      if (rule === 'typeExpr') return 'a type';
      if (rule === 'sizeItem') return 'a size name';
    }
    return describeTokenType(expected);
  }

  /** The parser wanted `}` (or the end of a headerless file) after a list of items. */
  private afterItems(idx: number, at: Span, found: string): Diagnostic {
    const m = syntaxMessages;
    if (idx >= this.ctx.tokens.length) {
      const open = this.openers(idx)
        .filter((o) => tokenMatcher(o, LCurly))
        .pop();
      const line = open ? this.ctx.source.position(open.startOffset).line : 1;
      const block = open && this.blockKind(open) === 'for' ? 'for' : 'model';
      return makeDiagnostic(m.unclosedBlock, at, { block, line }, this.related(open, 'the block starts here'));
    }
    const prev = this.ctx.tokens[idx - 1];
    if (prev === undefined || this.is(idx - 1, Separator) || this.is(idx - 1, LCurly)) {
      return makeDiagnostic(m.unexpectedToken, at, { found, closer: this.isCloser(idx) });
    }
    if (this.view.isMissingSeparator(idx)) return makeDiagnostic(m.missingSeparator, at, { found });
    return makeDiagnostic(m.unexpectedToken, at, {
      found,
      afterItem: this.itemKind(idx - 1),
      closer: this.isCloser(idx),
    });
  }

  private unclosed(close: TokenType, idx: number, at: Span, found: string, rule: string): Diagnostic {
    const openType = closers.get(close) as TokenType;
    const open = this.openers(idx)
      .filter((o) => tokenMatcher(o, openType))
      .pop();
    if (!open) return this.expected(describeTokenType(close), idx, at, found, [rule]);
    const pos = this.ctx.source.position(open.startOffset);
    const args: Parameters<typeof syntaxMessages.unclosedBracket.text>[0] = {
      open: open.image,
      close: close === RParen ? ')' : ']',
      line: pos.line,
      col: pos.col,
      found,
    };
    if ([Identifier, NumberLiteral, LParen, LBracket].some((t) => this.is(idx, t))) args.hint = 'operator';
    return makeDiagnostic(syntaxMessages.unclosedBracket, at, args, this.related(open, `'${open.image}' opened here`));
  }

  /** Tokens left over after the top-level rule finished. */
  private leftover(reported: number): Diagnostic | undefined {
    const m = syntaxMessages;
    const { tokens, hasHeader, hasContent } = this.ctx;
    // Report the first real leftover token, not the line break before it.
    let idx = reported;
    while (this.is(idx, Separator)) idx++;
    const at = this.spanAt(idx);
    const found = describeToken(tokens[idx]);
    if (!hasContent) {
      return makeDiagnostic(m.missingModelHeader, at, { found });
    }
    if (!hasHeader) {
      // A closing brace at the very end belongs to the missing header, already reported.
      if (idx === tokens.length - 1 && this.is(idx, RCurly)) return undefined;
      return makeDiagnostic(m.unexpectedToken, at, { found, closer: this.isCloser(idx) });
    }
    if (this.is(idx, ModelKw)) {
      const name = this.is(idx + 1, Identifier) ? tokens[idx + 1]?.image : undefined;
      const first = tokens.find((t) => tokenMatcher(t, ModelKw));
      return makeDiagnostic(
        m.secondModel,
        at,
        name ? { name } : {},
        this.related(first, 'the first model starts here'),
      );
    }
    const close = tokens.slice(0, idx).findLast((t) => tokenMatcher(t, RCurly));
    const line = close ? this.ctx.source.position(close.startOffset).line : 1;
    return makeDiagnostic(m.textAfterModel, at, { found, line }, this.related(close, 'the model ends here'));
  }

  // ------------------------------------------------------------ token helpers

  private indexOf(token: IToken): number {
    return this.view.indexOf(token);
  }

  private is(idx: number, type: TokenType): boolean {
    return this.view.is(idx, type);
  }

  private isCloser(idx: number): boolean {
    return this.is(idx, RParen) || this.is(idx, RBracket) || this.is(idx, RCurly);
  }

  /** The span of a token, or a zero-width span after the last token for the end of the file. */
  private spanAt(idx: number): Span {
    const t = this.ctx.tokens[idx];
    if (t) return this.ctx.source.span(t.startOffset, tokenEnd(t));
    const last = this.ctx.tokens[this.ctx.tokens.length - 1];
    const end = last ? tokenEnd(last) : 0;
    return this.ctx.source.span(end, end);
  }

  private related(token: IToken | undefined, message: string): { related?: RelatedInfo[] } {
    if (!token) return {};
    return { related: [{ span: this.ctx.source.span(token.startOffset, tokenEnd(token)), message }] };
  }

  /** Index of the first token of the item that contains token `idx`. */
  private itemStart(idx: number): number {
    let j = idx - 1;
    while (j >= 0 && !this.is(j, Separator) && !this.is(j, LCurly) && !this.is(j, RCurly)) j--;
    return j + 1;
  }

  /** The item's text before token `idx`, e.g. `for t in 1..`; undefined when empty or too long. */
  private textBefore(idx: number): string | undefined {
    const start = this.itemStart(idx);
    const first = this.ctx.tokens[start];
    const last = this.ctx.tokens[idx - 1];
    if (start >= idx || !first || !last) return undefined;
    const text = this.ctx.source.text.slice(first.startOffset, tokenEnd(last)).replace(/\s+/g, ' ');
    return text.length <= 40 ? text : last.image;
  }

  private itemKind(idx: number): string {
    if (this.is(idx, RCurly)) return "'for' loop";
    const start = this.itemStart(idx);
    return this.is(start, SizeKw) || this.is(start, Role) || this.is(start, LetKw) ? 'declaration' : 'statement';
  }

  /** Brackets opened before token `idx` and not yet closed, innermost last. */
  private openers(idx: number): IToken[] {
    const stack: IToken[] = [];
    for (let i = 0; i < idx && i < this.ctx.tokens.length; i++) {
      const t = this.ctx.tokens[i] as IToken;
      if (tokenMatcher(t, LParen) || tokenMatcher(t, LBracket) || tokenMatcher(t, LCurly)) stack.push(t);
      else {
        const openType = closers.get(t.tokenType);
        if (!openType) continue;
        const k = stack.findLastIndex((o) => tokenMatcher(o, openType));
        if (k >= 0) stack.length = k;
      }
    }
    return stack;
  }

  private blockKind(open: IToken): 'for' | 'model' {
    const start = this.itemStart(this.indexOf(open));
    return this.is(start, ForKw) ? 'for' : 'model';
  }
}
