/** Symbolic shapes: sizes never unify with other sizes; indexing, products and broadcasting. */
import { describe, expect, it } from 'vitest';
import { check, expectClean, expectCodes, expectDiagnostic, model } from './helpers.js';

const gmm = (muType: string, extra = '', emission = 'MvNormal(mu[z[n]], Sigma[z[n]])') =>
  model(`
  size N, D
  size K = 3
  data   x[N]: real[D]
  param  w: simplex[K]
  param  mu[K]: ${muType}
  param  Sigma[K]: cov[D]
  ${extra}
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ ${emission}
  }`);

describe('distribution shapes', () => {
  it('reports a mean of the wrong size at the use, with notes at both declarations', () => {
    const r = check(gmm('real[K]'));
    const d = expectDiagnostic(r, 'E2020', {
      at: 'mu[z[n]]',
      message: 'the mean of MvNormal is real[K], but x[n] is real[D]: K and D are different sizes',
    });
    expect(d.related?.map((n) => n.message)).toEqual([
      'K comes from the declaration of mu',
      'D comes from the declaration of x',
    ]);
    expect(d.related?.map((n) => r.source.text.slice(n.span.start, n.span.end))).toEqual(['K', 'D']);
    expectCodes(r, ['E2020']);
  });

  it('checks the covariance dimension against the mean', () => {
    const r = check(gmm('real[D]', 'param Q: cov[K]', 'MvNormal(mu[z[n]], Q)'));
    expectDiagnostic(r, 'E2020', { at: 'Q', message: 'the cov of MvNormal is cov[K], but x[n] is real[D]' });
  });

  it('matches the simplex length to the categories', () => {
    const r = check(
      model('size N, K, M\n  data y[N]: cat[M]\n  param p: simplex[K]\n  for n in N { y[n] ~ Categorical(p) }'),
    );
    expectDiagnostic(r, 'E2020', { at: 'p', message: 'K and M are different sizes' });
  });

  it('matches a literal length to a size only through its default', () => {
    const lit = (size: string) =>
      model(`size N\n  ${size}\n  data y[N]: cat[K]\n  param t: prob\n  for n in N { y[n] ~ Categorical([t, 1 - t]) }`);
    expectClean(check(lit('size K = 2')));
    expectDiagnostic(check(lit('size K = 3')), 'E2020', { message: 'size K defaults to 3, not 2' });
    expectDiagnostic(check(lit('size K')), 'E2020', {
      message: 'the length 2 is not known to equal size K',
      hint: 'if K is always 2, declare `size K = 2`',
    });
  });

  it('broadcasts scalar arguments over a vector value', () => {
    const noSigma = (r: ReturnType<typeof check>) => expectCodes(r, ['W2001']); // Sigma is not used here
    noSigma(check(gmm('real[D]', 'param s[K]: positive', 'Normal(mu[z[n]], s[z[n]])')));
    noSigma(check(gmm('real[D]', 'param s: positive[D]', 'Normal(mu[z[n]], s)')));
    expectDiagnostic(check(gmm('real[D]', 'param s: positive[K]', 'Normal(mu[z[n]], s)')), 'E2020', {
      at: 's',
      message: 'the sd of Normal is positive[K], but x[n] is real[D]',
    });
  });

  it('needs vector arguments of a scalar distribution to have the shape of the value', () => {
    const r = check(model('size N, D\n  data y[N]: real\n  param m: real[D]\n  for n in N { y[n] ~ Normal(m, 1) }'));
    expectDiagnostic(r, 'E2020', { at: 'm', message: 'they have different numbers of dimensions' });
  });
});

describe('expression shapes', () => {
  const fa = (W: string, rhs = 'Normal(mu + W * f[n], psi)') =>
    model(`
  size N, D, L
  data x[N]: real[D]
  param W: ${W}
  param mu: real[D]
  param psi: positive[D]
  latent f[N]: real[L]
  for n in N {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ ${rhs}
  }`);

  it('checks the inner dimensions of a matrix-vector product', () => {
    expectClean(check(fa('real[D, L]')));
    expectDiagnostic(check(fa('real[L, D]')), 'E2026', {
      at: 'W * f[n]',
      message: 'W (real[L, D]) has D columns but f[n] (real[L]) has length L',
    });
  });

  it('adds vectors of the same size only', () => {
    expectDiagnostic(check(fa('real[D, L]', 'Normal(mu + f[n], psi)')), 'E2025', {
      at: 'mu + f[n]',
      message: "cannot apply '+' to mu (real[D]) and f[n] (real[L])",
    });
  });

  it('takes rows of matrices and elements of vectors', () => {
    expectClean(check(fa('real[D, L]', 'Normal(mu + W[0][0] * ones(D) + W * f[n], psi)')));
    expectDiagnostic(check(fa('real[D, L]', 'Normal(mu + W[0], psi)')), 'E2025', { message: 'W[0] (real[L])' });
  });

  it('checks dot, softmax, sum, zeros, ones and eye', () => {
    const fn = (rhs: string) =>
      model(
        `size N, P, K\n  data X[N]: real[P]\n  data y[N]: real\n  param b: real[P]\n  param c: real[K]\n  for n in N { y[n] ~ ${rhs} }`,
      );
    expectClean(check(fn('Normal(dot(X[n], b) + sum(c) + sum(softmax(c)), 1)')));
    expectDiagnostic(check(fn('Normal(dot(X[n], c), 1)')), 'E2027', {
      at: 'c',
      message: 'dot needs a vector of length P, like X[n], but c is real[K]',
    });
    expectDiagnostic(check(fn('Normal(dot(y[n], b), 1)')), 'E2027', { at: 'y[n]', message: 'dot needs a vector' });
    expectDiagnostic(check(fn('Normal(sum(y[n]), 1)')), 'E2027', { message: 'sum needs a vector or an array' });
    expectDiagnostic(check(fn('Normal(softmax(y[n])[0], 1)')), 'E2027', { message: 'softmax needs a vector' });
    expectDiagnostic(check(fn('Normal(zeros(y[n])[0], 1)')), 'E2027', {
      message: 'zeros needs a size or a positive integer',
      hint: 'zeros(L) is a vector of 0s of length L',
    });
  });

  it('types vector literals by their length and entries', () => {
    const r = check(
      model('size N, D\n  data x[N]: real[D]\n  param a: real[D]\n  for n in N { x[n] ~ Normal([a, 1], 1) }'),
    );
    expectDiagnostic(r, 'E2028', { at: 'a', message: 'but a is real[D]' });
  });
});

describe('indexing', () => {
  const mix = (rhs: string, decls = '') =>
    model(`
  size N
  size K = 2
  data y[N]: count
  data c[N]: count
  data i[N]: int
  param w: simplex[K]
  param rate[K]: positive
  param theta: prob
  ${decls}
  latent z[N]: cat[K]
  w ~ Dirichlet(1 + theta)
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ ${rhs}
  }`);

  it('accepts categories, loop indices, integer data and integer arithmetic', () => {
    expectClean(check(mix('Poisson(rate[z[n]] + rate[c[n]] + rate[i[n]] + rate[1] + rate[K - 1])')));
  });

  it('rejects non-integer indices', () => {
    expectDiagnostic(check(mix('Poisson(rate[theta])')), 'E2030', { at: 'theta', message: 'but theta is prob' });
    expectDiagnostic(check(mix('Poisson(rate[n / 2])')), 'E2030', { at: 'n / 2' });
    expectDiagnostic(check(mix('Poisson(rate[w])')), 'E2030', { at: 'w' });
  });

  it('rejects indexing a scalar and too many indices', () => {
    expectDiagnostic(check(mix('Poisson(rate[z[n]][0])')), 'E2029', {
      at: 'rate[z[n]][0]',
      message: 'rate[z[n]] is positive, a scalar, and cannot be indexed',
    });
    expectDiagnostic(check(mix('Poisson(rate[0, 1])')), 'E2029', {
      message: 'rate is positive[K] with 1 dimension, but 2 indices are given',
    });
  });

  it('rejects an index over another size than the dimension', () => {
    const r = check(mix('Poisson(other[z[n]])', 'size M\n  latent q[N]: cat[M]\n  param other[M]: positive'));
    const d = expectDiagnostic(r, 'E2031', {
      at: 'z[n]',
      message: 'z[n] ranges over cat[K], but it indexes a dimension of other of size M',
    });
    expect(d.related?.[0]?.message).toBe('this dimension of other is M');
    expectDiagnostic(check(mix('Poisson(rate[n])')), 'E2031', { at: 'n', message: 'n ranges over N' });
  });

  it('peels array dims, then the element’s, including ragged ones', () => {
    const r = check(
      model(`
  size S
  size T[S]
  data y[S][T]: real[2]
  param m: real[2]
  for s in S { for t in T[s] { y[s][t] ~ Normal(m, 1)\n y[s][t][0] ~ Normal(0, 1) } }`),
    );
    // (both statements cover y[s][t][0]: reported by coverage, after typing went through)
    expectCodes(r, ['E2035']);
  });
});
