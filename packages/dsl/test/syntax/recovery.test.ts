/**
 * Error recovery: several mistakes are reported in one pass, each once, and the items around
 * them survive; failed regions become `Error` nodes; every span stays inside the file.
 */
import { describe, expect, it } from 'vitest';
import type { Expr, Item } from '../../src/index.js';
import { printModel } from '../../src/index.js';
import { expectCodes, nodesOf, parse, textOf } from './helpers.js';

const threeMistakes = `model m {
  size N
  data x[N]: real
  x[n] Normal(0, 1)
  param mu: real
  let a = (1 + )
  param s: positive
  y ~ Normal(mu s)
  for n in N { x[n] ~ Normal(mu, s) }
}
`;

describe('recovery', () => {
  it('reports three separate mistakes and keeps the valid items around them', () => {
    const p = parse(threeMistakes);
    expectCodes(p, ['E1009', 'E1008', 'E1018']);
    expect(p.diagnostics.map((d) => d.span?.line)).toEqual([4, 6, 8]);
    expect(p.model.body.map((i) => i.kind)).toEqual([
      'SizeDecl',
      'VarDecl',
      'Error',
      'VarDecl',
      'LetDecl',
      'VarDecl',
      'Sample',
      'For',
    ]);
    const error = p.model.body[2] as Item;
    expect(textOf(p, error)).toBe('x[n] Normal(0, 1)');
    const let_ = p.model.body[4] as Extract<Item, { kind: 'LetDecl' }>;
    expect(let_.value.kind).toBe('Error');
    expect(printModel(p.model)).toMatchInlineSnapshot(`
      "model m {
        size N
        data x[N]: real
        x[n] Normal(0, 1)
        param mu: real
        let a = 1 +
        param s: positive
        y ~ Normal(mu, s)
        for n in N {
          x[n] ~ Normal(mu, s)
        }
      }
      "
    `);
  });

  it('resumes inside nested loops', () => {
    const p = parse(
      'model m {\n  for s in S {\n    for t in T {\n      h[t] ~ \n      y ~ F()\n    }\n  }\n  size K\n}\n',
    );
    expectCodes(p, ['E1006']);
    const outer = p.model.body[0] as Extract<Item, { kind: 'For' }>;
    const inner = outer.body[0] as Extract<Item, { kind: 'For' }>;
    expect(inner.body.map((i) => i.kind)).toEqual(['Error', 'Sample']);
    expect(p.model.body.map((i) => i.kind)).toEqual(['For', 'SizeDecl']);
  });

  it('turns a bad argument into an error expression and keeps the statement', () => {
    const p = parse('model m {\n  x ~ Normal(mu, )\n}\n');
    expectCodes(p, ['E1008']);
    const sample = p.model.body[0] as Extract<Item, { kind: 'Sample' }>;
    expect(sample.kind).toBe('Sample');
    expect(sample.args.map((a: Expr) => a.kind)).toEqual(['NameRef', 'Error']);
  });

  it('keeps the items of a model whose closing brace is missing', () => {
    const p = parse('model m {\n  size N\n  for n in N {\n    x[n] ~ F()\n');
    expectCodes(p, ['E1011']);
    expect(p.model.name.name).toBe('m');
    expect(p.model.body.map((i) => i.kind)).toEqual(['SizeDecl', 'For']);
    expect((p.model.body[1] as Extract<Item, { kind: 'For' }>).body.map((i) => i.kind)).toEqual(['Sample']);
    const d = p.diagnostics[0];
    expect(d?.message).toBe("expected '}' to close the 'for' block opened on line 3, found the end of the file");
    expect(d?.span?.start).toBe(p.source.text.trimEnd().length);
  });

  it('inserts a missing token when the rest of the line fits', () => {
    const p = parse('model m {\n  for n N { x[n] ~ F() }\n  data y[N] real\n}\n');
    expectCodes(p, ['E1006', 'E1006']);
    expect(p.model.body.map((i) => i.kind)).toEqual(['For', 'VarDecl']);
  });

  it('skips junk between items as an error item, once', () => {
    const p = parse('model m {\n  size N\n  ) ] , :\n  size K\n}\n');
    expectCodes(p, ['E1007']);
    expect(p.model.body.map((i) => (i.kind === 'Error' ? `Error:${i.text}` : i.kind))).toEqual([
      'SizeDecl',
      'Error:) ] , :',
      'SizeDecl',
    ]);
  });

  it('reports a missing model header and parses the items anyway', () => {
    const p = parse('size N\ndata x[N]: real\nx ~ F(\n');
    expectCodes(p, ['E1005', 'E1012']);
    expect(p.model.name.name).toBe('');
    expect(p.model.body.map((i) => i.kind)).toEqual(['SizeDecl', 'VarDecl', 'Error']);
  });

  it('keeps both items when two share a line', () => {
    const p = parse('model m {\n  z ~ F(w) y ~ G(z)   x ~ H()\n  size N\n}\n');
    expectCodes(p, ['E1016', 'E1016']);
    expect(p.model.body.map((i) => i.kind)).toEqual(['Sample', 'Sample', 'Sample', 'SizeDecl']);
    expect(p.model.body.map((i) => textOf(p, i))).toEqual(['z ~ F(w)', 'y ~ G(z)', 'x ~ H()', 'size N']);
  });

  it('reads a keyword used as a value as a name, and reports it', () => {
    const p = parse('model m {\n  data size[N]: count\n  size[n] ~ Poisson(in)\n  size K\n}\n');
    expectCodes(p, ['E1013', 'E1013', 'E1013']);
    expect(p.model.body.map((i) => i.kind)).toEqual(['VarDecl', 'Sample', 'SizeDecl']);
    expect(p.model.body[1]).toMatchObject({ target: { target: { kind: 'NameRef', name: 'size' } } });
  });

  it('reads `x[N, P]` in a declaration as `x[N][P]`, and reports it', () => {
    const p = parse('model m {\n  data X[N, P]: real\n}\n');
    expectCodes(p, ['E1012']);
    expect(p.model.body[0]).toMatchObject({ kind: 'VarDecl', dims: [{ name: 'N' }, { name: 'P' }] });
  });

  it('never leaves a span outside the file, even at its end', () => {
    for (const text of [
      '',
      ' ',
      '\n\n',
      'model',
      'model m',
      'model m {',
      'model m { x ~',
      'model m { x ~ F(',
      '/*',
      'x',
    ]) {
      const p = parse(text);
      for (const d of p.diagnostics) {
        const s = d.span;
        expect(s, text).toBeDefined();
        if (!s) continue;
        expect(0 <= s.start && s.start <= s.end && s.end <= text.length, JSON.stringify(text)).toBe(true);
        expect(s.line >= 1 && s.line <= p.source.lineCount, JSON.stringify(text)).toBe(true);
      }
      for (const n of nodesOf(p.model)) {
        expect(0 <= n.span.start && n.span.start <= n.span.end && n.span.end <= text.length).toBe(true);
      }
      expect(p.diagnostics.length, JSON.stringify(text)).toBeGreaterThan(0);
    }
  });

  it('reports diagnostics sorted by position', () => {
    const p = parse('model m {\n  x ~ F(a b)\n  @\n  y Normal()\n  data z: real # old\n}\n');
    const starts = p.diagnostics.map((d) => d.span?.start ?? 0);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(p.diagnostics.length).toBe(4);
  });
});
