/**
 * A guard against input that would overflow the stack of the recursive-descent parser (and
 * of every recursive pass after it): brackets nested deeper than any model needs, or a single
 * item with hundreds of operators. The token vector is cut where a limit is passed, and one
 * diagnostic says why; no real model comes near either limit.
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/message.js';
import { syntaxMessages } from '../diagnostics/messages-syntax.js';
import type { SourceFile } from '../diagnostics/span.js';
import { tokenMatcher } from './chevrotain.js';
import { tokenEnd } from './token-text.js';
import { AddOp, Caret, LBracket, LCurly, LParen, MulOp, RBracket, RCurly, RParen, Separator } from './tokens.js';

/** Brackets of any kind (`(`, `[`, `{`) open at once. */
export const maxNesting = 64;
/** Operators (`+ - * / ^`) in one item. */
export const maxOperators = 512;

export interface LimitedTokens {
  readonly tokens: IToken[];
  /** Present when the tokens were cut short. */
  readonly diagnostic?: Diagnostic;
}

export function limitNesting(tokens: IToken[], source: SourceFile): LimitedTokens {
  let depth = 0;
  let operators = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as IToken;
    let exceeded: 'nesting' | 'operators' | undefined;
    if (tokenMatcher(t, LParen) || tokenMatcher(t, LBracket) || tokenMatcher(t, LCurly)) {
      if (++depth > maxNesting) exceeded = 'nesting';
    } else if (tokenMatcher(t, RParen) || tokenMatcher(t, RBracket) || tokenMatcher(t, RCurly)) {
      depth = Math.max(0, depth - 1);
    } else if (tokenMatcher(t, Separator)) {
      operators = 0;
    } else if (tokenMatcher(t, AddOp) || tokenMatcher(t, MulOp) || tokenMatcher(t, Caret)) {
      if (++operators > maxOperators) exceeded = 'operators';
    }
    if (exceeded) {
      const span = source.span(t.startOffset, tokenEnd(t));
      const limit = exceeded === 'nesting' ? maxNesting : maxOperators;
      return {
        tokens: tokens.slice(0, i),
        diagnostic: makeDiagnostic(syntaxMessages.tooComplex, span, { what: exceeded, limit }),
      };
    }
  }
  return { tokens };
}
