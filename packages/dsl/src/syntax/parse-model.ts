/**
 * Entry point of the front end: source text → `Model` AST plus syntax diagnostics.
 * lexer.ts → nesting-limit.ts → parser.ts → cst-to-ast.ts, with describe-error.ts naming the
 * parser's errors. The parser instance is built once, when parser.ts loads.
 */
import type { IToken } from 'chevrotain';
import { AstFactory } from '../ast/make.js';
import type { Model } from '../ast/nodes.js';
import { compareDiagnostics, type Diagnostic, type PhaseResult } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/message.js';
import { syntaxMessages } from '../diagnostics/messages-syntax.js';
import type { SourceFile } from '../diagnostics/span.js';
import { createTokenInstance, EOF } from './chevrotain.js';
import { cstToAst } from './cst-to-ast.js';
import { describeParseErrors, missingSeparators } from './describe-error.js';
import { tokenize } from './lexer.js';
import { limitNesting } from './nesting-limit.js';
import { parseTokens } from './parser.js';
import { Semicolon } from './tokens.js';

/**
 * Parses one `.em` file. Never throws for bad input: syntax errors become diagnostics (sorted
 * by position) and the regions they cover become `Error` nodes. `value` is always present:
 * without a `model` header the items found are returned in a model named `''`, and an empty
 * file gives an empty model of that name.
 */
export function parseModel(source: SourceFile): PhaseResult<Model> {
  try {
    return parseTokenized(source);
  } catch (e) {
    // The nesting limit keeps real input far from the stack's end; this is the last line of defence.
    if (!(e instanceof RangeError)) throw e;
    const make = new AstFactory();
    const model = make.model(source.span(0, 0), make.identifier(source.span(0, 0), ''), []);
    const d = makeDiagnostic(syntaxMessages.tooComplex, source.span(0, 0), { what: 'stack', limit: 0 });
    return { value: model, diagnostics: [d] };
  }
}

function parseTokenized(source: SourceFile): PhaseResult<Model> {
  const lexed = tokenize(source);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const limited = limitNesting(lexed.tokens, source);
  if (limited.diagnostic) diagnostics.push(limited.diagnostic);
  let tokens = limited.tokens;
  let parsed = parseTokens(tokens);
  const repairs: Diagnostic[] = [];
  // Two items on one line: report it, then parse again as if a line break separated them,
  // so that the second item is not lost. Each pass can only add separators, so this ends.
  for (let pass = 0; pass < maxSeparatorRepairs; pass++) {
    const missing = missingSeparators(parsed.errors, tokens);
    if (missing.length === 0) break;
    const context = { source, tokens, hasHeader: true, hasContent: true };
    repairs.push(...describeParseErrors(parsed.errors, context).filter((d) => d.code === missingSeparatorCode));
    tokens = insertSeparators(tokens, missing);
    parsed = parseTokens(tokens);
  }
  const converted = cstToAst(parsed.cst, tokens, source);
  diagnostics.push(...converted.diagnostics, ...repairs);
  if (lexed.tokens.length === 0 && lexed.diagnostics.length === 0) {
    // Only whitespace and comments (an unterminated comment is reported already).
    diagnostics.push(makeDiagnostic(syntaxMessages.emptyFile, source.span(0, 0), {}));
  }
  // An unclosed comment swallows the rest of the file, and the nesting limit cuts it short: what the parser
  // then misses at the end follows from that.
  const swallowed =
    limited.diagnostic !== undefined ||
    lexed.diagnostics.some((d) => d.code === syntaxMessages.unterminatedComment.code);
  const errors = swallowed ? parsed.errors.filter((e) => e.token.tokenType !== EOF) : parsed.errors;
  const context = {
    source,
    tokens,
    hasHeader: converted.hasHeader,
    hasContent: converted.hasItems,
  };
  diagnostics.push(...describeParseErrors(errors, context));
  diagnostics.sort(compareDiagnostics);
  return { value: converted.model, diagnostics };
}

const maxSeparatorRepairs = 8;
const missingSeparatorCode = syntaxMessages.missingSeparator.code;

/** A copy of `tokens` with a zero-width `;` before each of the given indices. */
function insertSeparators(tokens: readonly IToken[], before: readonly number[]): IToken[] {
  const at = new Set(before);
  const out: IToken[] = [];
  tokens.forEach((t, i) => {
    if (at.has(i)) out.push(createTokenInstance(Semicolon, '', t.startOffset, t.startOffset - 1, NaN, NaN, NaN, NaN));
    out.push(t);
  });
  return out;
}
