/** The JSON reader: syntax errors with line and column, and locating a data path in the text. */
import { findJsonSyntaxError, locateJsonValue, readJsonData } from '@emforge/cli';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

const syntaxErrorAt = (text: string) => {
  const read = readJsonData(new SourceFile('d.json', text));
  expect(read.raw).toBeUndefined();
  const d = read.diagnostics[0];
  return { code: d?.code, line: d?.span?.line, col: d?.span?.col, message: d?.message };
};

describe('JSON syntax errors', () => {
  it.each([
    ['{\n  "x": [1, 2,]\n}', 2, 14, 'trailing comma'],
    ['{\n  "x": [1 2]\n}', 2, 11, "expected ',' or ']'"],
    ['{\n  x: [1]\n}', 2, 3, 'double quotes'],
    ['{"x": [1, NaN]}', 1, 11, 'NaN is not allowed'],
    ['{"x": [1, 2]', 1, 13, 'the file ends'],
    ['{"x": "abc\n}', 1, 7, 'missing closing quote'],
    ['{"x": 1} 2', 1, 10, 'after the end'],
    ['{"x": 01}', 1, 7, 'malformed number'],
    ['', 1, 1, 'expected a value'],
  ])('%j at %d:%d', (text, line, col, words) => {
    const e = syntaxErrorAt(text);
    expect(e).toMatchObject({ code: 'E6001', line, col });
    expect(e.message).toContain(words);
  });

  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', '{"a": [1.5e-3, -0, true, null, "\\u00e9\\n"]}', ' { "a" : { "b" : [ ] } } ']) {
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });
});

describe('locating a value', () => {
  const text = '{\n  "n": 2,\n  "x": [\n    [1, 2],\n    [3, {"k": [4]}]\n  ]\n}';
  const at = (path: (string | number)[]) => {
    const r = locateJsonValue(text, path);
    return r && text.slice(r[0], r[1]);
  };

  it('finds keys and indices', () => {
    expect(at(['n'])).toBe('2');
    expect(at(['x', 1, 0])).toBe('3');
    expect(at(['x', 0])).toBe('[1, 2]');
    expect(at(['x', 1, 1, 'k', 0])).toBe('4');
  });

  it('falls back to the deepest enclosing value', () => {
    expect(at(['x', 0, 7])).toBe('[1, 2]');
    expect(at([])).toBe(text);
  });

  it('gives diagnostics a line and column in the data file', () => {
    const read = readJsonData(new SourceFile('d.json', text));
    expect(read.locate({ key: 'x', index: [1, 0] })).toMatchObject({ file: 'd.json', line: 5, col: 6 });
  });
});
