/**
 * Every syntax message in the catalogue (band 1xxx), each from a small model with one mistake:
 * the code, where it points, and the rendered text with its hint.
 */
import { describe, expect, it } from 'vitest';
import { syntaxMessages } from '../../src/index.js';
import { expectCodes, expectDiagnostic, parse, rendered } from './helpers.js';

const covered = new Set<string>();

function check(text: string, code: string, where: { at?: string; after?: string; eof?: boolean }) {
  const p = parse(text);
  expectCodes(p, [code]);
  const d = expectDiagnostic(p, code, where);
  covered.add(code);
  return { p, d, shown: rendered(p) };
}

describe('syntax messages', () => {
  it('E1001: a stray character', () => {
    const { shown } = check('model m {\n  size N @\n}\n', 'E1001', { at: '@' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:10: error[E1001]: unexpected character '@'
      2 |   size N @
        |          ^
        = hint: remove it"
    `);
  });

  it('E1002: an unterminated block comment', () => {
    const { shown } = check('model m {\n  size N\n  /* data x[N]: real\n}\n', 'E1002', { at: '/*' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:3:3: error[E1002]: this '/*' comment is never closed
      3 |   /* data x[N]: real
        |   ^^
        = hint: end the comment with '*/'"
    `);
  });

  it('E1003: a number run into a name', () => {
    const { shown } = check('model m {\n  let a = 2x\n}\n', 'E1003', { at: '2x' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:11: error[E1003]: malformed number '2x': letters directly after a number
      2 |   let a = 2x
        |           ^^
        = hint: to multiply, write '2 * x'"
    `);
  });

  it('E1004: a file without a model', () => {
    const { shown, d } = check('// to do\n', 'E1004', {});
    expect(d.span?.start).toBe(0);
    expect(shown).toMatchInlineSnapshot(`
      "test.em:1:1: error[E1004]: the file contains no model
      1 | // to do
        | ^
        = hint: write the model as 'model NAME { … }'"
    `);
  });

  it('E1005: items without a model header', () => {
    const { shown, p } = check('size N\ndata x[N]: real\n', 'E1005', { at: 'size' });
    expect(p.model.body.map((i) => i.kind)).toEqual(['SizeDecl', 'VarDecl']);
    expect(shown).toMatchInlineSnapshot(`
      "test.em:1:1: error[E1005]: expected 'model NAME {' before 'size'
      1 | size N
        | ^^^^
        = hint: put the declarations and statements inside 'model NAME { … }'"
    `);
  });

  it('E1006: a missing token, named by its text', () => {
    const { shown } = check('model m {\n  size N\n  for n N {\n  }\n}\n', 'E1006', { at: 'N {' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:3:9: error[E1006]: expected 'in' after 'for n', found 'N'
      3 |   for n N {
        |         ^
        = hint: a loop reads 'for i in N { … }' or 'for t in 1..T[s] { … }'"
    `);
  });

  it('E1007: a token that cannot continue the item', () => {
    const { shown } = check('model m {\n  x ~ F(a))\n}\n', 'E1007', { at: ')\n' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:11: error[E1007]: unexpected ')' after the end of the statement
      2 |   x ~ F(a))
        |           ^
        = hint: remove it, or check that the brackets before it are balanced"
    `);
  });

  it('E1008: a missing expression', () => {
    const { shown } = check('model m {\n  for t in 1.. {\n  }\n}\n', 'E1008', { at: '{', after: '..' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:16: error[E1008]: expected an expression after 'for t in 1..', found '{'
      2 |   for t in 1.. {
        |                ^
        = hint: a range needs both bounds, as in '1..T[s]'"
    `);
  });

  it("E1009: a statement without '~'", () => {
    const { shown } = check('model m {\n  x[n] Normal(0, 1)\n}\n', 'E1009', { at: 'Normal' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:8: error[E1009]: expected '~' or '=' after 'x[n]', found 'Normal'
      2 |   x[n] Normal(0, 1)
        |        ^^^^^^
        = hint: a statement reads 'TARGET ~ Distribution(ARGS)', e.g. 'x[n] ~ Normal(mu, sigma)'"
    `);
  });

  it('E1010: a distribution without arguments', () => {
    const { shown } = check('model m {\n  w ~ Dirichlet\n}\n', 'E1010', { at: '\n', after: 'Dirichlet' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:16: error[E1010]: expected '(' and the parameters of 'Dirichlet', found the end of the line
      2 |   w ~ Dirichlet
        |                ^
        = hint: a distribution takes its parameters in parentheses: 'Dirichlet(…)'"
    `);
  });

  it("E1011: a block whose '}' is missing at the end of the file", () => {
    const { shown, d } = check('model m {\n  for n in N {\n    x ~ F()\n  }\n', 'E1011', { eof: true });
    expect(d.related?.[0]?.span.start).toBe(8);
    expect(shown).toMatchInlineSnapshot(`
      "test.em:4:4: error[E1011]: expected '}' to close the model block opened on line 1, found the end of the file
      4 |   }
        |    ^
        = hint: add the missing '}'
        note: the block starts here (test.em:1:9)
        1 | model m {
          |         ^"
    `);
  });

  it('E1012: an unclosed bracket, with where it opened', () => {
    const { shown } = check('model m {\n  x ~ F(mu[z[n], 1)\n}\n', 'E1012', { at: ')' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:19: error[E1012]: expected ']' to match the '[' at 2:11, found ')'
      2 |   x ~ F(mu[z[n], 1)
        |                   ^
        note: '[' opened here (test.em:2:11)
        2 |   x ~ F(mu[z[n], 1)
          |           ^"
    `);
  });

  it('E1012: two dimensions in one bracket', () => {
    const { shown } = check('model m {\n  data X[N, P]: real\n}\n', 'E1012', { at: ',' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:11: error[E1012]: expected ']' to match the '[' at 2:9, found ','
      2 |   data X[N, P]: real
        |           ^
        = hint: write each array dimension in its own brackets: 'x[N][D]'
        note: '[' opened here (test.em:2:9)
        2 |   data X[N, P]: real
          |         ^"
    `);
  });

  it('E1013: a keyword used as a name', () => {
    const { shown } = check('model m {\n  data size[N]: real\n}\n', 'E1013', { at: 'size[' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:8: error[E1013]: 'size' is a keyword and cannot be used as a name
      2 |   data size[N]: real
        |        ^^^^
        = hint: choose another name, such as 'size_'"
    `);
  });

  it('E1014: a second model in the file', () => {
    const { shown } = check('model a {\n  size N\n}\nmodel b {\n  size M\n}\n', 'E1014', { at: 'model b' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:4:1: error[E1014]: a file holds one model, but a second model 'b' starts here
      4 | model b {
        | ^^^^^
        = hint: put each model in its own .em file
        note: the first model starts here (test.em:1:1)
        1 | model a {
          | ^^^^^"
    `);
  });

  it('E1015: text after the end of the model', () => {
    const { shown } = check('model m {\n  for n in N {\n  }}\n  size K\n}\n', 'E1015', { at: 'size K' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:4:3: error[E1015]: unexpected 'size' after the end of the model
      4 |   size K
        |   ^^^^
        = hint: the '}' on line 3 closes the model; if it is one '}' too many, remove it
        note: the model ends here (test.em:3:4)
        3 |   }}
          |    ^"
    `);
  });

  it('E1016: two items on one line', () => {
    const { shown } = check('model m {\n  size N data x[N]: real\n}\n', 'E1016', { at: 'data' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:10: error[E1016]: expected a new line or ';' before 'data'
      2 |   size N data x[N]: real
        |          ^^^^
        = hint: put each declaration and statement on its own line (or separate them with ';')"
    `);
  });

  it('E1017: a call of something that is not a name', () => {
    const { shown } = check('model m {\n  let p = 2(1 - theta)\n}\n', 'E1017', { at: '2(' });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:11: error[E1017]: '2' is not a function name, so it cannot be called
      2 |   let p = 2(1 - theta)
        |           ^
        = hint: to multiply, write '*': '2 * (…)'"
    `);
  });

  it('E1018: a missing comma in a list', () => {
    const { shown, p } = check('model m {\n  x ~ Normal(mu s)\n}\n', 'E1018', { at: 's)' });
    expect(p.model.body[0]).toMatchObject({ kind: 'Sample', args: [{ name: 'mu' }, { name: 's' }] });
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:17: error[E1018]: expected ',' before 's'
      2 |   x ~ Normal(mu s)
        |                 ^
        = hint: separate arguments, indices and vector elements with ','"
    `);
  });

  it("E1019: a loop header written Stan's way", () => {
    const { shown, p } = check('model m {\n  for (n in 1:N) {\n    x[n] ~ F()\n  }\n}\n', 'E1019', { at: '(n' });
    expect(p.model.body[0]).toMatchObject({ kind: 'For', hi: { name: 'N' }, body: [{}] });
    expect(p.model.body[0]).not.toHaveProperty('lo');
    expect(shown).toMatchInlineSnapshot(`
      "test.em:2:7: error[E1019]: this loop header is written Stan's way
      2 |   for (n in 1:N) {
        |       ^^^^^^^^^^
        = hint: write 'for n in N { … }': 'lo..hi' counts lo, lo+1, …, hi-1 and indices start at 0, so Stan's 'for (n in 1:N)' is 'for n in N' here"
    `);
  });

  it('E1020: brackets nested too deeply to read', () => {
    const deep = `${'('.repeat(70)}x${')'.repeat(70)}`;
    const { p, d } = check(`model m {\n  size N\n  let a = ${deep}\n}\n`, 'E1020', {});
    expect(d.span?.start).toBe(p.source.text.indexOf('(') + 63);
    expect(d.message).toBe('brackets are nested more than 64 deep here; the rest of the file is not read');
    expect(p.model.body.map((i) => i.kind)).toEqual(['SizeDecl', 'Error']);
  });

  it('covers every entry of the syntax band', () => {
    const codes = Object.values(syntaxMessages).map((m) => m.code);
    expect(codes.every((c) => /^E1\d{3}$/.test(c))).toBe(true);
    expect(codes.filter((c) => !covered.has(c))).toEqual([]);
  });
});
