/**
 * Models exercising every builder feature (ragged sizes, ranges, `let`, vector literals,
 * matrix types, optional data, unary minus, powers, calls, escape hatches), each compared
 * with the tree the parser makes from the equivalent text.
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  call,
  cat,
  count,
  cov,
  dist,
  div,
  type ExprLike,
  elementType,
  fn,
  int,
  type Model,
  model,
  mul,
  neg,
  num,
  positive,
  pow,
  printModel,
  prob,
  real,
  simplex,
  stripLocations,
  sub,
  vec,
} from '../../src/index.js';
import { expectSameTree as expectSameTreeAsText, parseText } from './parse-text.js';

/** Compares with the text, and checks that the printed builder model parses back to the same tree. */
function expectSameTree(built: Model, text: string): void {
  expectSameTreeAsText(built, text);
  expectSameTreeAsText(built, printModel(built));
}

describe('builder features, compared with parsed text', () => {
  it('ragged sizes, ranges, lets inside loops, one size declaration with every kind of item', () => {
    const text = `
model ragged_chain {
  size S, K = 4, T[S]
  size J = K + 1
  data   y[S][T]: real
  param  a: real
  param  b: positive
  latent u[S][T]: real
  for s in S {
    u[s][0] ~ Normal(0, 1)
    for t in 1..T[s] {
      let prev = u[s][t - 1]
      u[s][t] ~ Normal(a * prev, b)
    }
    for t in 0..T[s] { y[s][t] ~ Normal(u[s][t], 0.5) }
  }
  for j in J { }
}`;
    const built = model('ragged_chain', (m) => {
      const [S, K, T] = m.sizes('S', { name: 'K', value: 4 }, { name: 'T', over: 'S' });
      const J = m.size('J', K.add(1));
      const y = m.data('y', [S, T], real);
      const a = m.param('a', real());
      const b = m.param('b', positive);
      const u = m.latent('u', [S, T], real);
      m.for('s', S, (s) => {
        m.sample(u.at(s, 0), dist.Normal(0, 1));
        m.forRange('t', 1, T.at(s), (t) => {
          const prev = m.let('prev', u.at(s, t.sub(1)));
          m.sample(u.at(s).at(t), dist.Normal(a.mul(prev), b));
        });
        m.forRange('t', 0, T.at(s), (t) => m.sample(y.at(s, t), dist.Normal(u.at(s, t), 0.5)));
      });
      m.for('j', J, () => {});
    });
    expectSameTree(built, text);
  });

  it('matrix and vector types, optional data, int/prob/count shapes, scalar data', () => {
    const text = `
model shapes {
  size N, D, L
  size R = 2
  data   X[N]: real[D, L]
  data   v[N]: real[D]?
  data   c[N]: count[3]
  data   flag[N]: int
  data   p: prob[R]
  data   nu: positive
  param  theta: prob
  param  A: real[D, L]
  param  B: positive[R, D]
  param  S: cov[D]
  param  w: simplex[R]
  latent g[N]: cat[R]
  latent h: int[2]
  for n in N {
    g[n] ~ Categorical(w)
    v[n] ~ MvNormal(A * X[n][0], S / nu)
  }
}`;
    const built = model('shapes', (m) => {
      const [N, D, L] = m.sizes('N', 'D', 'L');
      const R = m.size('R', 2);
      const X = m.data('X', [N], real(D, L));
      const v = m.data('v', [N], real(D).optional());
      m.data('c', [N], count(3));
      m.data('flag', [N], int);
      m.data('p', prob(R));
      const nu = m.data('nu', positive());
      m.param('theta', prob);
      const A = m.param('A', real(D, L));
      m.param('B', positive(R, D));
      const S = m.param('S', cov(D));
      const w = m.param('w', simplex(R));
      const g = m.latent('g', [N], cat(R));
      m.latent('h', int(2));
      m.for('n', N, (n) => {
        m.sample(g.at(n), m.dist.Categorical(w));
        m.sample(v.at(n), m.dist.MvNormal(A.mul(X.at(n, 0)), S.div(nu)));
      });
    });
    expectSameTree(built, text);
  });

  it('expressions: literals, vector literals, unary minus, powers, calls, multi-index', () => {
    const text = `
model expressions {
  size N, D
  data   x[N]: real[D]
  data   c[N]: count[4]
  param  theta: prob
  param  W: real[D, D]
  param  s: positive
  let q = [0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4]
  let r = [1, -2, 3e-2, 2.0]
  let e = W[0, 1] - -s
  for n in N {
    let eta = -(x[n][0] ^ 2) + exp(-s) * sqrt(2.0) / (1 + s) ^ 0.5
    c[n] ~ Multinomial(10, softmax(log(q)))
    x[n] ~ MvNormal(W * ones(D) + zeros(D) - 1, eye(D) * s ^ (-1))
    let z = sum(x[n]) - dot(x[n], x[n]) * logistic(eta) + 1e-3
  }
}`;
    const built = model('expressions', (m) => {
      const [N, D] = m.sizes('N', 'D');
      const x = m.data('x', [N], real(D));
      const c = m.data('c', [N], count(4));
      const theta = m.param('theta', prob());
      const W = m.param('W', real(D, D));
      const s = m.param('s', positive());
      const quarter = (t: ExprLike) => div(t, 4);
      const q = m.let('q', [add(0.5, quarter(theta)), quarter(sub(1, theta)), sub(1, theta).div(4), theta.div(4)]);
      m.let('r', vec(1, -2, 3e-2, num('2.0')));
      m.let('e', W.index(0, 1).sub(neg(s)));
      m.for('n', N, (n) => {
        const eta = m.let(
          'eta',
          add(neg(pow(x.at(n, 0), 2)), div(mul(fn.exp(s.neg()), fn.sqrt(num('2.0'))), add(1, s).pow(0.5))),
        );
        m.sample(c.at(n), m.dist.Multinomial(10, fn.softmax(fn.log(q))));
        m.sample(x.at(n), m.dist.MvNormal(W.mul(fn.ones(D)).add(fn.zeros(D)).sub(1), mul(fn.eye(D), s.pow(-1))));
        m.let('z', add(sub(fn.sum(x.at(n)), mul(fn.dot(x.at(n), x.at(n)), fn.logistic(eta))), 1e-3));
      });
    });
    expectSameTree(built, text);
  });

  it('escape hatches: any function, distribution or element type by name; a `for` bound that is a number', () => {
    const text = `
model extensions {
  size N
  data   y[N]: angle
  param  mu: angle
  param  kappa: positive
  for n in N { y[n] ~ VonMises(mu, softplus(kappa, 2)) }
  for i in 3 { }
}`;
    const built = model('extensions', (m) => {
      const N = m.size('N');
      const y = m.data('y', [N], elementType('angle'));
      const mu = m.param('mu', elementType('angle'));
      const kappa = m.param('kappa', positive);
      m.for('n', N, (n) => m.sample(y.at(n), dist.named('VonMises', mu, call('softplus', kappa, 2))));
      m.for('i', 3, () => {});
    });
    expectSameTree(built, text);
    // m.call is the same as the `call` export
    const again = model('extensions', (m) => {
      const N = m.size('N');
      const y = m.data('y', [N], elementType('angle'));
      const mu = m.param('mu', elementType('angle'));
      const kappa = m.param('kappa', positive);
      m.for('n', N, (n) => m.sample(y.at(n), m.dist.named('VonMises', mu, m.call('softplus', kappa, 2))));
      m.for('i', 3, () => {});
    });
    expect(stripLocations(again)).toEqual(stripLocations(built));
  });

  it('integer and non-integer literals follow the text', () => {
    const text = 'model lits { let a = [2, 2.0, 0.5, 1e-3, 1e3, 12] }';
    const built = model('lits', (m) => {
      m.let('a', [2, num('2.0'), 0.5, 1e-3, num('1e3'), num(12)]);
    });
    expectSameTree(built, text);
    expect(stripLocations(built)).not.toEqual(
      stripLocations(parseText('model lits { let a = [2, 2, 0.5, 1e-3, 1e3, 12] }')),
    );
  });

  it('one expression value used twice makes two distinct nodes', () => {
    const built = model('twice', (m) => {
      const N = m.size('N');
      const x = m.data('x', [N], real);
      m.for('n', N, (n) => {
        const xn = x.at(n);
        m.let('a', add(xn, xn));
      });
    });
    const ids: number[] = [];
    JSON.stringify(built, (key, value) => {
      if (key === 'id') ids.push(value as number);
      return value;
    });
    expect(new Set(ids).size).toBe(ids.length);
    expectSameTree(built, 'model twice {\n  size N\n  data x[N]: real\n  for n in N { let a = x[n] + x[n] }\n}');
  });
});
