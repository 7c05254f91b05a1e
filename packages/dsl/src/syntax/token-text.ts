/** How tokens are named in messages (by their text, never by token-type names) and where they end. */
import type { IToken, TokenType } from 'chevrotain';
import { EOF, tokenMatcher } from './chevrotain.js';
import { NewLine, Semicolon } from './tokens.js';

/** Offset one past the token's last character. */
export function tokenEnd(t: IToken): number {
  return t.endOffset !== undefined && Number.isFinite(t.endOffset) ? t.endOffset + 1 : t.startOffset + t.image.length;
}

/** `'for'`, `the end of the line`, `the end of the file`. */
export function describeToken(t: IToken | undefined): string {
  if (t === undefined || t.tokenType === EOF) return 'the end of the file';
  if (tokenMatcher(t, NewLine)) return 'the end of the line';
  if (tokenMatcher(t, Semicolon)) return "';'";
  const image = t.image.length > 24 ? `${t.image.slice(0, 21)}...` : t.image;
  return `'${image}'`;
}

/** `'{'`, `a name`, `the end of the file`: what a token type stands for in "expected …". */
export function describeTokenType(t: TokenType | undefined): string {
  if (t === undefined || t === EOF) return 'the end of the file';
  return typeof t.LABEL === 'string' ? t.LABEL : t.name;
}
