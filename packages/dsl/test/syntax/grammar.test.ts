/**
 * The grammar and the token definitions pass chevrotain's own validations (no ambiguous
 * alternatives, no left recursion, no unreachable rules; no token that can never match, no
 * pattern matching the empty string): the shared parser and lexer skip them at start-up for
 * speed, so they run here.
 */
import { describe, expect, it } from 'vitest';
import { lexerProblems } from '../../src/syntax/lexer.js';
import { grammarProblems } from '../../src/syntax/parser.js';

describe('grammar', () => {
  it('has no definition problems under chevrotain validation', () => {
    expect(grammarProblems()).toEqual([]);
  });
  it('has token definitions without problems under chevrotain validation', () => {
    expect(lexerProblems()).toEqual([]);
  });
});
