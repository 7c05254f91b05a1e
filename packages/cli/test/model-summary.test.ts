/** The model summary is read off the AST; built here with the factory, so no parser is involved. */
import { AstFactory, noSpan } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { formatExpr, formatModelSummaryLines, summarizeModel } from '../src/model-summary.js';

const f = new AstFactory();
const s = noSpan;
const id = (name: string) => f.identifier(s, name);
const ref = (name: string) => f.nameRef(s, name);
const type = (name: string, ...args: string[]) => f.type(s, id(name), args.map(ref));

/** The HMM of LANGUAGE.md: a ragged size and a two-dimensional latent with two statements. */
function hmm() {
  const h = (...ix: Parameters<typeof f.index>[2]) => f.index(s, f.index(s, ref('h'), [ix[0]!]), [ix[1]!]);
  return f.model(s, id('hmm'), [
    f.sizeDecl(s, [f.sizeItem(s, id('S')), f.sizeItem(s, id('K')), f.sizeItem(s, id('M'))]),
    f.sizeDecl(s, [f.sizeItem(s, id('T'), { over: id('S') })]),
    f.varDecl(s, 'data', id('y'), [ref('S'), ref('T')], type('cat', 'M'), false),
    f.varDecl(s, 'param', id('init'), [], type('simplex', 'K'), false),
    f.varDecl(s, 'param', id('trans'), [ref('K')], type('simplex', 'K'), false),
    f.varDecl(s, 'latent', id('h'), [ref('S'), ref('T')], type('cat', 'K'), false),
    f.forStmt(s, id('s'), undefined, ref('S'), [
      f.sample(s, h(ref('s'), f.number(s, 0, true)), id('Categorical'), [ref('init')]),
      f.forStmt(s, id('t'), f.number(s, 1, true), f.index(s, ref('T'), [ref('s')]), [
        f.sample(s, h(ref('s'), ref('t')), id('Categorical'), [ref('trans')]),
      ]),
      f.forStmt(s, id('t'), undefined, f.index(s, ref('T'), [ref('s')]), [
        f.sample(s, f.index(s, f.index(s, ref('y'), [ref('s')]), [ref('t')]), id('Categorical'), [ref('init')]),
      ]),
    ]),
  ]);
}

describe('summarizeModel', () => {
  it('lists sizes (ragged ones with their outer size), variables by role, and their distributions once', () => {
    const m = summarizeModel(hmm());
    expect(m.sizes).toEqual([{ name: 'S' }, { name: 'K' }, { name: 'M' }, { name: 'T', over: 'S' }]);
    expect(m.latents).toEqual([
      { name: 'h', dims: ['S', 'T'], type: 'cat[K]', optional: false, distributions: ['Categorical'] },
    ]);
    expect(formatModelSummaryLines(m)).toMatchInlineSnapshot(`
      [
        "  sizes    S, K, M, T[S]",
        "  data     y[S][T]: cat[M] ~ Categorical",
        "  params   init: simplex[K], trans[K]: simplex[K]",
        "  latents  h[S][T]: cat[K] ~ Categorical",
      ]
    `);
  });

  it('says none for an empty role and marks optional types', () => {
    const m = summarizeModel(
      f.model(s, id('mvn'), [
        f.sizeDecl(s, [f.sizeItem(s, id('N')), f.sizeItem(s, id('K'), { value: f.number(s, 3, true) })]),
        f.varDecl(s, 'data', id('x'), [ref('N')], type('real', 'K'), true),
      ]),
    );
    expect(formatModelSummaryLines(m)).toEqual([
      '  sizes    N, K = 3',
      '  data     x[N]: real[K]?',
      '  params   none',
      '  latents  none',
    ]);
  });
});

describe('formatExpr', () => {
  it('parenthesises by precedence', () => {
    const sum = f.binary(s, '+', ref('a'), ref('b'));
    expect(formatExpr(f.binary(s, '*', sum, ref('c')))).toBe('(a + b) * c');
    expect(formatExpr(f.binary(s, '-', ref('a'), sum))).toBe('a - (a + b)');
    expect(formatExpr(f.binary(s, '^', f.binary(s, '^', ref('a'), ref('b')), ref('c')))).toBe('(a^b)^c');
    expect(formatExpr(f.unary(s, '-', sum))).toBe('-(a + b)');
    expect(formatExpr(f.call(s, id('sum'), [f.vector(s, [ref('a'), f.number(s, 0.5, false)])]))).toBe('sum([a, 0.5])');
  });
});
