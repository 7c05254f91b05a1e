import { describe, expect, it } from 'vitest';
import { joinSpans, SourceFile } from '../../src/diagnostics/span.js';

describe('SourceFile', () => {
  const src = new SourceFile('m.em', 'model m {\n  size N\r\n}\n');

  it('maps offsets to 1-based lines and columns', () => {
    expect(src.position(0)).toEqual({ line: 1, col: 1 });
    expect(src.position(10)).toEqual({ line: 2, col: 1 });
    expect(src.position(12)).toEqual({ line: 2, col: 3 });
    expect(src.position(20)).toEqual({ line: 3, col: 1 });
  });

  it('clamps offsets outside the text', () => {
    expect(src.position(-5)).toEqual({ line: 1, col: 1 });
    expect(src.position(10_000)).toEqual(src.position(src.text.length));
  });

  it('returns line text without the line break', () => {
    expect(src.lineText(1)).toBe('model m {');
    expect(src.lineText(2)).toBe('  size N');
    expect(src.lineText(3)).toBe('}');
    expect(src.lineText(4)).toBe('');
    expect(src.lineText(99)).toBe('');
    expect(src.lineCount).toBe(4);
  });

  it('builds spans with both offsets and positions', () => {
    const s = src.span(12, 18);
    expect(s).toEqual({ file: 'm.em', start: 12, end: 18, line: 2, col: 3, endLine: 2, endCol: 9 });
    expect(src.text.slice(s.start, s.end)).toBe('size N');
  });

  it('joins spans into the smallest covering span', () => {
    const a = src.span(0, 5);
    const b = src.span(12, 18);
    expect(joinSpans(a, b)).toEqual(src.span(0, 18));
    expect(joinSpans(b, a)).toEqual(src.span(0, 18));
  });
});
