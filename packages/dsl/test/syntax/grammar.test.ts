/**
 * The grammar passes chevrotain's own validations (no ambiguous alternatives, no left recursion,
 * no unreachable rules): the shared parser skips them at start-up for speed, so they run here.
 */
import { describe, expect, it } from 'vitest';
import { grammarProblems } from '../../src/syntax/parser.js';

describe('grammar', () => {
  it('has no definition problems under chevrotain validation', () => {
    expect(grammarProblems()).toEqual([]);
  });
});
