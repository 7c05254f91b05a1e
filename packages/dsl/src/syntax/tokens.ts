/**
 * The token types of the model language, in lexing order. Keywords are listed before
 * `Identifier` and fall back to it for longer words (`models`, `sizes`); a number followed
 * directly by letters (`2x`, `1e`) lexes as one `BadNumber` so it can be reported as such.
 * Type, distribution and function names are plain identifiers, never keywords.
 */
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

// ---------------------------------------------------------------- trivia

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\f\v\ufeff]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  line_breaks: true,
  group: Lexer.SKIPPED,
});
/** A `/*` with no `*\/` after it: everything to the end of the file, reported by the lexer. */
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
  group: 'unterminated',
});
/** `# …` is a comment in R and Python; reported (not silently accepted), then skipped like a comment. */
export const HashComment = createToken({ name: 'HashComment', pattern: /#[^\n]*/, group: 'hash' });
/** Abstract category of the item separators: a line break or `;`. */
export const Separator = createToken({ name: 'Separator', pattern: Lexer.NA });
/** Items are separated by line breaks; lexer.ts drops the ones inside a continued expression. */
export const NewLine = createToken({
  name: 'NewLine',
  pattern: /\n/,
  line_breaks: true,
  label: 'a new line',
  categories: [Separator],
});

// ---------------------------------------------------------------- names and numbers

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

/** Abstract category of every keyword, so a keyword can be matched (and reported) where a name belongs. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
/** Abstract category of `data`, `param`, `latent`. */
export const Role = createToken({ name: 'Role', pattern: Lexer.NA });

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({
    name: word[0]?.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Keyword, ...categories],
    label: `'${word}'`,
  });
}

export const ModelKw = keyword('model');
export const SizeKw = keyword('size');
export const DataKw = keyword('data', [Role]);
export const ParamKw = keyword('param', [Role]);
export const LatentKw = keyword('latent', [Role]);
export const LetKw = keyword('let');
export const ForKw = keyword('for');
export const InKw = keyword('in');

/** A number run into letters (`2x`, `1e`, `3k`); only tried as the longer alternative of a number. */
export const BadNumber = createToken({
  name: 'BadNumber',
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a number',
});
/** `.5`: a fraction without its leading digit, reported and read as `0.5`. */
export const BadDecimal = createToken({
  name: 'BadDecimal',
  pattern: /\.\d+(?:[eE][+-]?\d+)?/,
  label: 'a number',
});
/** Digits, an optional fraction, an optional exponent: `12`, `0.5`, `1e-3`, `2.5E+3`. Never eats `..`. */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
  label: 'a number',
  longer_alt: BadNumber,
});

// ---------------------------------------------------------------- punctuation and operators

function punct(name: string, text: string, categories: TokenType[] = []): TokenType {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return createToken({ name, pattern: new RegExp(escaped), label: `'${text}'`, categories });
}

/** Abstract categories, so that the CST keeps `+`/`-` (and `*`/`/`) in source order. */
export const AddOp = createToken({ name: 'AddOp', pattern: Lexer.NA });
export const MulOp = createToken({ name: 'MulOp', pattern: Lexer.NA });

export const LCurly = punct('LCurly', '{');
export const RCurly = punct('RCurly', '}');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const Comma = punct('Comma', ',');
export const Semicolon = punct('Semicolon', ';', [Separator]);
export const Colon = punct('Colon', ':');
export const Question = punct('Question', '?');
export const Tilde = punct('Tilde', '~');
export const DotDot = punct('DotDot', '..');
export const Equals = punct('Equals', '=');
export const Plus = punct('Plus', '+', [AddOp]);
export const Minus = punct('Minus', '-', [AddOp]);
export const Star = punct('Star', '*', [MulOp]);
export const Slash = punct('Slash', '/', [MulOp]);
export const Caret = punct('Caret', '^');

/** Every token type, in the order the lexer tries them. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  NewLine,
  BlockComment,
  UnterminatedComment,
  LineComment,
  HashComment,
  ModelKw,
  SizeKw,
  DataKw,
  ParamKw,
  LatentKw,
  LetKw,
  ForKw,
  InKw,
  Identifier,
  NumberLiteral,
  BadNumber,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Semicolon,
  Colon,
  Question,
  Tilde,
  DotDot,
  BadDecimal,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  Keyword,
  Role,
  Separator,
  AddOp,
  MulOp,
];
