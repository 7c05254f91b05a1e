/**
 * The checker never throws, whatever the tree: random ASTs built directly (not through the
 * parser), with `Error` nodes in any position, names drawn from a small pool so that they
 * collide with declarations, and shapes the parser would never produce (empty vector
 * literals, indexing without indices, declarations and sizes everywhere).
 */
import { AstFactory, catalogue, type Expr, type Item, type Model, noSpan } from '@emforge/dsl';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/index.js';
import { check } from './helpers.js';

const names = ['N', 'K', 'D', 'T', 'x', 'y', 'z', 'mu', 'w', 'n', 'k', 't', 'Normal', 'exp', 'real', 'cat', ''];
const callees = [
  'Normal',
  'Categorical',
  'MvNormal',
  'Dirichlet',
  'exp',
  'dot',
  'softmax',
  'zeros',
  'eye',
  'sum',
  'nope',
];
const types = ['real', 'positive', 'prob', 'int', 'count', 'cat', 'simplex', 'cov', 'vector', ''];

type Build = (f: AstFactory) => Expr;

const exprArb: fc.Arbitrary<Build> = fc.letrec<{ e: Build }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.oneof(fc.nat(5), fc.double({ noNaN: true, min: 0, max: 10 })), fc.boolean()).map(
      ([v, int]) =>
        (f: AstFactory) =>
          f.number(noSpan, v, int && Number.isInteger(v)),
    ),
    fc.constantFrom(...names).map((n) => (f: AstFactory) => f.nameRef(noSpan, n)),
    fc.constant((f: AstFactory) => f.error(noSpan, '?')),
    fc.tuple(tie('e'), fc.array(tie('e'), { maxLength: 3 })).map(
      ([t, is]) =>
        (f: AstFactory) =>
          f.index(
            noSpan,
            t(f),
            is.map((i) => i(f)),
          ),
    ),
    fc.tuple(fc.constantFrom(...callees), fc.array(tie('e'), { maxLength: 3 })).map(
      ([c, as]) =>
        (f: AstFactory) =>
          f.call(
            noSpan,
            f.identifier(noSpan, c),
            as.map((a) => a(f)),
          ),
    ),
    fc.tuple(fc.constantFrom('+', '-', '*', '/', '^' as const), tie('e'), tie('e')).map(
      ([op, l, r]) =>
        (f: AstFactory) =>
          f.binary(noSpan, op, l(f), r(f)),
    ),
    tie('e').map((o) => (f: AstFactory) => f.unary(noSpan, '-', o(f))),
    fc.array(tie('e'), { maxLength: 4 }).map(
      (es) => (f: AstFactory) =>
        f.vector(
          noSpan,
          es.map((e) => e(f)),
        ),
    ),
  ),
})).e;

type BuildItem = (f: AstFactory) => Item;

const itemArb: fc.Arbitrary<BuildItem> = fc.letrec<{ item: BuildItem }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .array(fc.tuple(fc.constantFrom(...names), fc.option(fc.constantFrom(...names)), fc.option(exprArb)), {
        maxLength: 3,
      })
      .map(
        (items) => (f: AstFactory) =>
          f.sizeDecl(
            noSpan,
            items.map(([n, over, value]) =>
              f.sizeItem(noSpan, f.identifier(noSpan, n), {
                ...(over !== null ? { over: f.identifier(noSpan, over) } : {}),
                ...(value !== null ? { value: value(f) } : {}),
              }),
            ),
          ),
      ),
    fc
      .tuple(
        fc.constantFrom('data', 'param', 'latent' as const),
        fc.constantFrom(...names),
        fc.array(exprArb, { maxLength: 3 }),
        fc.constantFrom(...types),
        fc.array(exprArb, { maxLength: 3 }),
        fc.boolean(),
      )
      .map(([role, n, dims, t, args, optional]) => (f: AstFactory) => {
        const type = f.type(
          noSpan,
          f.identifier(noSpan, t),
          args.map((a) => a(f)),
        );
        return f.varDecl(
          noSpan,
          role,
          f.identifier(noSpan, n),
          dims.map((d) => d(f)),
          type,
          optional,
        );
      }),
    fc.tuple(fc.constantFrom(...names), exprArb).map(
      ([n, v]) =>
        (f: AstFactory) =>
          f.letDecl(noSpan, f.identifier(noSpan, n), v(f)),
    ),
    fc.tuple(fc.constantFrom(...names), fc.option(exprArb), exprArb, fc.array(tie('item'), { maxLength: 4 })).map(
      ([i, lo, hi, body]) =>
        (f: AstFactory) =>
          f.forStmt(
            noSpan,
            f.identifier(noSpan, i),
            lo === null ? undefined : lo(f),
            hi(f),
            body.map((b) => b(f)),
          ),
    ),
    fc.tuple(exprArb, fc.constantFrom(...callees), fc.array(exprArb, { maxLength: 3 })).map(
      ([t, d, as]) =>
        (f: AstFactory) =>
          f.sample(
            noSpan,
            t(f),
            f.identifier(noSpan, d),
            as.map((a) => a(f)),
          ),
    ),
    fc.tuple(exprArb, exprArb).map(
      ([t, v]) =>
        (f: AstFactory) =>
          f.assign(noSpan, t(f), v(f)),
    ),
    fc.constant((f: AstFactory) => f.error(noSpan, '?')),
  ),
})).item;

/** A few declarations that make the random statements meet real symbols. */
const prelude = (f: AstFactory): Item[] => {
  const id = (n: string) => f.identifier(noSpan, n);
  const ref = (n: string) => f.nameRef(noSpan, n);
  return [
    f.sizeDecl(noSpan, [
      f.sizeItem(noSpan, id('N')),
      f.sizeItem(noSpan, id('K'), { value: f.number(noSpan, 2, true) }),
    ]),
    f.sizeDecl(noSpan, [f.sizeItem(noSpan, id('T'), { over: id('N') })]),
    f.varDecl(noSpan, 'data', id('x'), [ref('N')], f.type(noSpan, id('real'), [ref('K')]), false),
    f.varDecl(noSpan, 'latent', id('z'), [ref('N'), ref('T')], f.type(noSpan, id('cat'), [ref('K')]), false),
    f.varDecl(noSpan, 'param', id('mu'), [ref('K')], f.type(noSpan, id('real'), [ref('K')]), false),
  ];
};

const modelArb: fc.Arbitrary<Model> = fc
  .tuple(fc.boolean(), fc.array(itemArb, { maxLength: 8 }))
  .map(([withPrelude, items]) => {
    const f = new AstFactory();
    const body = [...(withPrelude ? prelude(f) : []), ...items.map((i) => i(f))];
    return f.model(noSpan, f.identifier(noSpan, 'm'), body);
  });

describe('checkModel on random trees', () => {
  it('never throws and reports only catalogue codes', () => {
    fc.assert(
      fc.property(modelArb, (model) => {
        const result = checkModel(model);
        expect(result.value?.ast).toBe(model);
        for (const d of result.diagnostics) expect(catalogue.has(d.code), d.code).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('checking a recovered tree', () => {
  it('does not repeat a syntax error as missing-statement or unused-param diagnostics', () => {
    const result = check(`model m {
  size N
  data y[N]: count
  param rate: positive
  for n in N {
    y[n] Poisson(rate)
  }
}
`);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E1009']);
  });
});
