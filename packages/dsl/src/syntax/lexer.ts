/**
 * Source text → token vector for the parser, plus lexical diagnostics (stray characters,
 * unterminated comments, numbers run into letters). Line breaks separate items, so they are
 * tokens; the ones that cannot end an item (after `,`, `(`, an operator, … or before `)`,
 * `{`, `+`, …) are dropped here, which lets long expressions continue on the next line.
 */
import type { IToken, TokenType } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/message.js';
import { syntaxMessages } from '../diagnostics/messages-syntax.js';
import type { SourceFile } from '../diagnostics/span.js';
import { createTokenInstance, Lexer, tokenMatcher } from './chevrotain.js';
import {
  allTokens,
  BadDecimal,
  BadNumber,
  Caret,
  Colon,
  Comma,
  DotDot,
  Equals,
  LBracket,
  LCurly,
  LParen,
  Minus,
  NewLine,
  NumberLiteral,
  Plus,
  Question,
  RBracket,
  RParen,
  Separator,
  Slash,
  Star,
  Tilde,
} from './tokens.js';

// 'full' tracking gives tokens their end offsets, which the CST's node locations are built from.
// chevrotain's definition validations (a third of the lexer's construction, which every process
// start pays) are skipped here; `lexerProblems` (run by the test suite) runs them once.
const lexerOptions = { positionTracking: 'full', ensureOptimizations: true } as const;
const lexer = new Lexer(allTokens, { ...lexerOptions, skipValidations: true });

/** The token definitions' problems found by chevrotain's lexer validations (none: they are sound). */
export function lexerProblems(): string[] {
  const checked = new Lexer(allTokens, { ...lexerOptions, deferDefinitionErrorsHandling: true });
  return checked.lexerDefinitionErrors.map((e) => e.message);
}

/** After these a line break continues the item (a line cannot end with them). */
const continuesAfter: ReadonlySet<TokenType> = new Set([
  Comma,
  LParen,
  LBracket,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  Equals,
  DotDot,
]);
/** Before these a line break continues the item (none of them can start an item). */
const continuesBefore: ReadonlySet<TokenType> = new Set([
  RParen,
  RBracket,
  Plus,
  Star,
  Slash,
  Caret,
  DotDot,
  Comma,
  LCurly,
  Tilde,
  Equals,
  Question,
  Colon,
]);

export interface LexResult {
  /** Significant tokens in source order; line breaks only where they separate items. */
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

export function tokenize(source: SourceFile): LexResult {
  const result = lexer.tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const text = source.text.slice(e.offset, e.offset + e.length);
    diagnostics.push(
      makeDiagnostic(syntaxMessages.unexpectedCharacter, source.span(e.offset, e.offset + e.length), { text }),
    );
  }
  for (const t of result.groups.hash ?? []) {
    diagnostics.push(
      makeDiagnostic(syntaxMessages.unexpectedCharacter, source.span(t.startOffset, t.startOffset + 1), { text: '#' }),
    );
  }
  for (const t of result.groups.unterminated ?? []) {
    diagnostics.push(
      makeDiagnostic(syntaxMessages.unterminatedComment, source.span(t.startOffset, t.startOffset + 2), {}),
    );
  }
  const raw = result.tokens.map((t) => (numberTypes.has(t.tokenType) ? checkNumber(t, source, diagnostics) : t));
  return { tokens: dropContinuationLines(raw), diagnostics };
}

const numberTypes: ReadonlySet<TokenType> = new Set([NumberLiteral, BadNumber, BadDecimal]);

/**
 * Numbers run into letters (`2x`), without a leading digit (`.5`) or too large for a double
 * (`1e400`) are reported here and replaced by a well-formed number token spanning the same
 * text, so the parser carries on as if the number had been written correctly.
 */
function checkNumber(token: IToken, source: SourceFile, diagnostics: Diagnostic[]): IToken {
  const end = (token.endOffset ?? token.startOffset) + 1;
  const span = source.span(token.startOffset, end);
  let digits = token.image;
  if (token.tokenType === BadNumber) {
    digits = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(token.image)?.[0] ?? '0';
    diagnostics.push(
      makeDiagnostic(syntaxMessages.malformedNumber, span, { text: token.image, problem: 'letters', digits }),
    );
  } else if (token.tokenType === BadDecimal) {
    digits = `0${token.image}`;
    diagnostics.push(
      makeDiagnostic(syntaxMessages.malformedNumber, span, { text: token.image, problem: 'point', digits }),
    );
  }
  if (!Number.isFinite(Number(digits))) {
    diagnostics.push(
      makeDiagnostic(syntaxMessages.malformedNumber, span, { text: token.image, problem: 'range', digits }),
    );
    digits = '0';
  }
  return digits === token.image && token.tokenType === NumberLiteral
    ? token
    : makeNumberToken(digits, token.startOffset, end);
}

function makeNumberToken(image: string, start: number, end: number): IToken {
  return createTokenInstance(NumberLiteral, image, start, end - 1, Number.NaN, Number.NaN, Number.NaN, Number.NaN);
}

function dropContinuationLines(raw: IToken[]): IToken[] {
  const out: IToken[] = [];
  let i = 0;
  while (i < raw.length) {
    const t = raw[i] as IToken;
    if (t.tokenType !== NewLine) {
      out.push(t);
      i++;
      continue;
    }
    // A run of line breaks counts as one.
    let j = i;
    while (j < raw.length && (raw[j] as IToken).tokenType === NewLine) j++;
    const prev = out[out.length - 1];
    const next = raw[j];
    const continued =
      prev === undefined ||
      continuesAfter.has(prev.tokenType) ||
      (next !== undefined && continuesBefore.has(next.tokenType));
    if (!continued) out.push(t);
    i = j;
  }
  // Separators at the end of the file separate nothing.
  while (out.length > 0 && tokenMatcher(out[out.length - 1] as IToken, Separator)) out.pop();
  return out;
}
