/**
 * Misuse of the builder. Programming errors throw a `TypeError` naming the problem; those
 * the TypeScript types can catch are also compile errors (`@ts-expect-error` lines, checked
 * by `tsc -p test/tsconfig.json`), and the remaining type-only ones sit in a function that
 * is type-checked but never run.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  add,
  call,
  cat,
  cov,
  dist,
  elementType,
  fn,
  type LetHandle,
  type ModelBuilder,
  model,
  num,
  type PlateIndex,
  positive,
  real,
  simplex,
  type Term,
  type VarRef,
} from '../../src/index.js';

describe('names', () => {
  it.each(['model', 'size', 'data', 'param', 'latent', 'let', 'for', 'in'])('rejects the keyword %s', (keyword) => {
    expect(() => model('m', (m) => m.size(keyword))).toThrow(TypeError);
    expect(() => model('m', (m) => m.size(keyword))).toThrow(`'${keyword}'`);
    expect(() => model(keyword, () => {})).toThrow(/keyword/);
  });

  it.each(['2x', 'a-b', '', 'x y', 'é', 'n[0]'])('rejects the non-identifier %j', (bad) => {
    expect(() => model('m', (m) => m.param(bad, real))).toThrow(TypeError);
    expect(() => model('m', (m) => m.param(bad, real))).toThrow(/not a valid param name/);
  });

  it('checks every kind of name', () => {
    const N = 'N';
    expect(() => model('m', (m) => m.sizes('N', { name: 'in', value: 2 }))).toThrow(/'in'.*keyword/);
    expect(() => model('m', (m) => m.ragged('T', 'for'))).toThrow(/'for'/);
    expect(() => model('m', (m) => m.data('data', real))).toThrow(/'data'/);
    expect(() => model('m', (m) => m.latent('latent', real))).toThrow(/'latent'/);
    expect(() => model('m', (m) => m.let('let', 1))).toThrow(/'let'/);
    expect(() => model('m', (m) => m.for('in', m.size(N), () => {}))).toThrow(/'in'.*loop index/);
    expect(() => model('m', (m) => m.forRange('1i', 0, 3, () => {}))).toThrow(/'1i'/);
    expect(() => call('for', 1)).toThrow(/'for'.*function/);
    expect(() => dist.named('Normal Mix')).toThrow(/'Normal Mix'.*distribution/);
    expect(() => elementType('model')).toThrow(/'model'.*type/);
  });
});

describe('scopes and ownership', () => {
  it('rejects a plate index used after its loop', () => {
    expect(() =>
      model('m', (m) => {
        const N = m.size('N');
        const x = m.data('x', [N], real);
        let leaked: PlateIndex | undefined;
        m.for('n', N, (n) => {
          leaked = n;
        });
        if (leaked) m.sample(x.at(leaked), dist.Normal(0, 1));
      }),
    ).toThrow(/loop index 'n' is used outside the for loop/);
  });

  it('rejects a let of a loop body used after the loop, but allows it in nested loops', () => {
    let inner: LetHandle | undefined;
    expect(() =>
      model('m', (m) => {
        const N = m.size('N');
        m.for('n', N, (n) => {
          const a = m.let('a', n.add(1));
          m.for('k', N, () => m.let('b', a));
          inner = a;
        });
        if (inner) m.let('c', inner);
      }),
    ).toThrow(/let 'a' is used outside/);
  });

  it('rejects a handle of another model', () => {
    let N0: ReturnType<ModelBuilder['size']> | undefined;
    model('first', (m) => {
      N0 = m.size('N');
    });
    expect(() =>
      model('second', (m) => {
        if (N0) m.data('x', [N0], real);
      }),
    ).toThrow(/size 'N' belongs to another model than 'second'/);
  });

  it('rejects using the builder after the model is built', () => {
    let saved: ModelBuilder | undefined;
    model('m', (m) => {
      saved = m;
    });
    expect(() => saved?.size('N')).toThrow(/model 'm' is already built/);
  });

  it('rejects an asynchronous body', () => {
    expect(() => model('m', (async () => {}) as unknown as (m: ModelBuilder) => void)).toThrow(/synchronous/);
    expect(() => model('m', (m) => m.for('n', 3, (async () => {}) as unknown as () => void))).toThrow(/synchronous/);
  });
});

describe('values', () => {
  it('rejects numbers that cannot be written', () => {
    expect(() => model('m', (m) => m.let('a', Number.NaN))).toThrow(TypeError);
    expect(() => model('m', (m) => m.let('a', [1, Number.POSITIVE_INFINITY]))).toThrow(/Infinity/);
    expect(() => num('1.')).toThrow(/not a number literal/);
    expect(() => num('0x10')).toThrow(/not a number literal/);
    expect(() => num('1e999')).toThrow(/out of range/);
  });

  it('rejects values that are not expressions', () => {
    expect(() => add('x' as unknown as number, 1)).toThrow(/expected an expression/);
    expect(() => model('m', (m) => m.let('a', { kind: 'NameRef' } as unknown as number))).toThrow(/got an object/);
  });

  it('rejects indexing deeper than declared, also at run time', () => {
    expect(() =>
      model('m', (m) => {
        const [N, D] = m.sizes('N', 'D');
        const x = m.data('x', [N], real(D));
        m.for('n', N, (n) => {
          // @ts-expect-error: x[N]: real[D] takes two indices, not three
          m.let('a', x.at(n, 0, 1));
        });
      }),
    ).toThrow(/'x' takes at most 2 more indices here, got 3/);
    expect(() =>
      model('m', (m) => {
        const N = m.size('N');
        const z = m.latent('z', [N], cat(2));
        // @ts-expect-error: a category is a scalar
        m.let('a', z.at(0).at(1));
      }),
    ).toThrow(/'z' takes at most 0 more indices/);
  });

  it('rejects sampling something that is not a variable, also at run time', () => {
    expect(() =>
      model('m', (m) => {
        const N = m.size('N');
        // @ts-expect-error: a size cannot be sampled
        m.sample(N, dist.Poisson(3));
      }),
    ).toThrow(/only a data, param or latent variable .* can be sampled, got the size 'N'/);
    expect(() =>
      model('m', (m) => {
        const x = m.data('x', real);
        // @ts-expect-error: an expression cannot be sampled
        m.sample(add(x, 1), dist.Normal(0, 1));
      }),
    ).toThrow(/got an expression/);
    expect(() =>
      model('m', (m) => {
        const x = m.data('x', real);
        // @ts-expect-error: the right of ~ is a distribution, not a function call
        m.sample(x, fn.exp(1));
      }),
    ).toThrow(/must be a distribution/);
  });

  it('rejects more than two shape arguments', () => {
    // @ts-expect-error: real takes at most two shape arguments
    expect(() => real(1, 2, 3)).toThrow(/at most two/);
  });
});

describe('types', () => {
  it('track roles and remaining indices', () => {
    model('m', (m) => {
      const [N, D] = m.sizes('N', 'D');
      const T = m.ragged('T', N);
      const x = m.data('x', [N], real(D));
      const y = m.data('y', [N, T], real);
      const W = m.param('W', real(D, D));
      const z = m.latent('z', [N], cat(2));
      const g = m.param('g', elementType('angle'));
      expectTypeOf(x).toEqualTypeOf<VarRef<'data', 2>>();
      expectTypeOf(x.at(0)).toEqualTypeOf<VarRef<'data', 1>>();
      expectTypeOf(x.at(0, 1)).toEqualTypeOf<VarRef<'data', 0>>();
      expectTypeOf(y).toEqualTypeOf<VarRef<'data', 2>>();
      expectTypeOf(W.index(0, 1)).toEqualTypeOf<VarRef<'param', 0>>();
      expectTypeOf(z).toEqualTypeOf<VarRef<'latent', 1>>();
      expectTypeOf(g).toEqualTypeOf<VarRef<'param', number>>();
      expectTypeOf(g.at(0, 1, 2, 3)).toEqualTypeOf<VarRef<'param', number>>();
      expectTypeOf(T.at(0)).toEqualTypeOf<Term>();
      expectTypeOf(m.sizes('A', { name: 'B', over: 'A' }, { name: 'C', value: 1 })).toEqualTypeOf<
        [ReturnType<ModelBuilder['size']>, ReturnType<ModelBuilder['ragged']>, ReturnType<ModelBuilder['size']>]
      >();
    });
  });
});

/** Misuse the types reject but that is not a builder error at run time (the checker reports it). Never called. */
export function typeOnlyMisuse(): void {
  model('m', (m) => {
    const [N, D] = m.sizes('N', 'D');
    const T = m.ragged('T', N);
    const x = m.data('x', [N], real(D));
    const mu = m.param('mu', [N], real(D));
    const w = m.param('w', simplex(D));
    const nu = m.let('nu', 3);
    // @ts-expect-error: only data may be optional
    m.param('p', real(D).optional());
    // @ts-expect-error: only data may be optional
    m.latent('l', [N], positive().optional());
    // @ts-expect-error: cat needs its number of categories
    m.latent('z', [N], cat);
    // @ts-expect-error: cov needs its dimension
    m.param('S', cov());
    // @ts-expect-error: a declaration needs a type
    m.data('y', [N]);
    // @ts-expect-error: a ragged size is a dimension, not a number
    m.let('a', add(T, 1));
    // @ts-expect-error: a ragged size is indexed by one outer index
    m.let('b', T.at(0, 1));
    // @ts-expect-error: Normal takes a mean and a standard deviation
    m.sample(x.at(0), dist.Normal(0));
    // @ts-expect-error: a distribution is not an expression
    m.let('c', add(dist.Normal(0, 1), 1));
    // @ts-expect-error: a let cannot be sampled
    m.sample(nu, dist.Exponential(1));
    m.for('n', N, (n) => {
      // @ts-expect-error: a plate index cannot be sampled
      m.sample(n, dist.Poisson(1));
      // @ts-expect-error: mu[N]: real[D] takes two indices
      m.let('d', mu.at(n).at(0).at(1));
      // @ts-expect-error: a simplex is a vector
      m.let('e', w.at(0, 1));
      // @ts-expect-error: at() needs an index
      m.let('f', x.at());
    });
    // @ts-expect-error: a loop body takes the index only
    m.for('k', N, (k: PlateIndex, extra: number) => k.add(extra));
  });
}
