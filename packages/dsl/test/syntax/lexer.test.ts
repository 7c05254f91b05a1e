/** The lexer: token boundaries, keywords versus names, comments, line breaks, and lexical errors. */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/index.js';
import { tokenize } from '../../src/syntax/lexer.js';

function lex(text: string) {
  const result = tokenize(new SourceFile('lex.em', text));
  return {
    tokens: result.tokens.map((t) => `${t.tokenType.name}:${t.image === '\n' ? '\\n' : t.image}`),
    codes: result.diagnostics.map((d) => d.code),
    diagnostics: result.diagnostics,
  };
}

describe('lexer', () => {
  it('reads numbers in every written form', () => {
    expect(lex('12 0.5 1e-3 1e+21 2.5E3 007').tokens).toEqual([
      'NumberLiteral:12',
      'NumberLiteral:0.5',
      'NumberLiteral:1e-3',
      'NumberLiteral:1e+21',
      'NumberLiteral:2.5E3',
      'NumberLiteral:007',
    ]);
  });

  it('reads `1..T` as a number, a range operator and a name', () => {
    expect(lex('1..T[s]').tokens).toEqual([
      'NumberLiteral:1',
      'DotDot:..',
      'Identifier:T',
      'LBracket:[',
      'Identifier:s',
      'RBracket:]',
    ]);
    expect(lex('0.5..2').tokens).toEqual(['NumberLiteral:0.5', 'DotDot:..', 'NumberLiteral:2']);
  });

  it('tells keywords from names that start with one', () => {
    expect(lex('model models size sizes in int index for format let letter data param latent').tokens).toEqual([
      'Model:model',
      'Identifier:models',
      'Size:size',
      'Identifier:sizes',
      'In:in',
      'Identifier:int',
      'Identifier:index',
      'For:for',
      'Identifier:format',
      'Let:let',
      'Identifier:letter',
      'Data:data',
      'Param:param',
      'Latent:latent',
    ]);
  });

  it('keeps type and distribution names as identifiers', () => {
    expect(lex('real cat simplex cov Normal MvNormal').tokens.every((t) => t.startsWith('Identifier:'))).toBe(true);
  });

  it('skips comments and whitespace', () => {
    expect(lex('a // to the end\n/* a\nblock */ b\tc\r\n').tokens).toEqual([
      'Identifier:a',
      'NewLine:\\n',
      'Identifier:b',
      'Identifier:c',
    ]);
  });

  it('keeps one line break between items and drops those inside a continued expression', () => {
    expect(lex('a\n\n\nb').tokens).toEqual(['Identifier:a', 'NewLine:\\n', 'Identifier:b']);
    // after an operator, a comma or an opening bracket, and before a closing bracket or `{`
    expect(lex('f(a,\n b) +\n c\n{\n').tokens).toEqual([
      'Identifier:f',
      'LParen:(',
      'Identifier:a',
      'Comma:,',
      'Identifier:b',
      'RParen:)',
      'Plus:+',
      'Identifier:c',
      'LCurly:{',
    ]);
    // a line may not continue before `-`, `(` or `[`: those can start the next item
    expect(lex('a\n-b\n(c)\n[d]').tokens.filter((t) => t.startsWith('NewLine'))).toHaveLength(3);
  });

  it('drops leading line breaks and all trailing separators', () => {
    expect(lex('\n\n; a ;\n\n').tokens).toEqual(['Semicolon:;', 'Identifier:a']);
  });

  it('reports stray characters and goes on', () => {
    const r = lex('a @ b $$ c');
    expect(r.tokens).toEqual(['Identifier:a', 'Identifier:b', 'Identifier:c']);
    expect(r.codes).toEqual(['E1001', 'E1001']);
    expect(r.diagnostics.map((d) => [d.span?.start, d.span?.end, d.message])).toEqual([
      [2, 3, "unexpected character '@'"],
      [6, 8, "unexpected characters '$$'"],
    ]);
  });

  it('reports `#` comments as an error but skips them like a comment', () => {
    const r = lex('a # not a comment here\nb');
    expect(r.tokens).toEqual(['Identifier:a', 'NewLine:\\n', 'Identifier:b']);
    expect(r.diagnostics.map((d) => [d.code, d.hint])).toEqual([['E1001', "comments start with '//'"]]);
  });

  it('reports an unterminated block comment at its opening', () => {
    const r = lex('a /* never closed\nb c');
    expect(r.tokens).toEqual(['Identifier:a']);
    expect(r.diagnostics.map((d) => [d.code, d.span?.start, d.span?.end])).toEqual([['E1002', 2, 4]]);
  });

  it('reads malformed numbers as numbers, with a diagnostic', () => {
    const r = lex('2x 1e .5 1e999');
    expect(r.tokens).toEqual(['NumberLiteral:2', 'NumberLiteral:1', 'NumberLiteral:0.5', 'NumberLiteral:0']);
    expect(r.codes).toEqual(['E1003', 'E1003', 'E1003', 'E1003']);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "malformed number '2x': letters directly after a number",
      "malformed number '1e': letters directly after a number",
      "malformed number '.5': a number starts with a digit",
      "the number '1e999' is too large",
    ]);
  });
});
