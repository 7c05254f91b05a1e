/** Types and supports: the value of `~` lies in the support, arguments fit their parameters. */
import { describe, it } from 'vitest';
import { check, expectClean, expectDiagnostic, model } from './helpers.js';

/** One observation per n of type `yType`, with the declarations in `decls`. */
const single = (yType: string, decls: string, rhs: string) =>
  model(`
  size N
  data y[N]: ${yType}
  ${decls}
  for n in N { y[n] ~ ${rhs} }`);

describe('arguments fit their parameters', () => {
  it('needs a positive sd, and accepts a declared positive', () => {
    expectClean(check(single('real', 'param mu: real\n  param s: positive', 'Normal(mu, s)')));
    expectDiagnostic(check(single('real', 'param mu: real\n  param s: real', 'Normal(mu, s)')), 'E2018', {
      at: 's',
      message: 'the sd of Normal (standard deviation) must be positive, but s is real',
      hint: 'declare s with type positive, or pass exp(…) of a real value',
    });
  });

  it('needs a positive Poisson rate', () => {
    expectDiagnostic(check(single('count', 'param mu: real', 'Poisson(mu)')), 'E2018', { at: 'mu' });
    expectDiagnostic(check(single('count', '', 'Poisson(0)')), 'E2018', { at: '0' });
    expectDiagnostic(check(single('count', '', 'Poisson(-1)')), 'E2018', { at: '-1' });
    expectClean(check(single('count', 'param mu: real', 'Poisson(exp(mu))')));
    expectClean(check(single('count', 'param mu: real\n  param s: positive', 'Poisson(s * exp(mu) + 2)')));
  });

  it('infers probabilities through arithmetic', () => {
    expectClean(check(single('count', 'param t: prob', 'Bernoulli(1 - t)')));
    expectClean(check(single('count', 'param t: prob', 'Bernoulli(t * t / 2)')));
    expectClean(check(single('count', 'param a: real', 'Bernoulli(logistic(a))')));
    expectDiagnostic(check(single('count', 'param t: prob', 'Bernoulli(t * 2)')), 'E2018', {
      at: 't * 2',
      message: 'must be prob, but t * 2 is non-negative real',
    });
  });

  it('needs integer counts for Binomial trials', () => {
    expectClean(check(single('count', 'data k[N]: count\n  param p: prob', 'Binomial(k[n], p)')));
    expectDiagnostic(check(single('count', 'data k[N]: real\n  param p: prob', 'Binomial(k[n], p)')), 'E2018', {
      at: 'k[n]',
      message: 'must be count',
    });
  });

  it('needs a simplex for Categorical, of the right kind', () => {
    const r = check(single('cat[K]', 'size K\n  param mu[N]: real[K]', 'Categorical(mu[n])'));
    expectDiagnostic(r, 'E2019', {
      at: 'mu[n]',
      message: 'the p of Categorical must be simplex[K], but mu[n] is real[K]',
      hint: 'declare mu with type simplex[K], or build one with softmax(…)',
    });
    expectClean(check(single('cat[K]', 'size K\n  param v: real[K]', 'Categorical(softmax(v))')));
  });

  it('needs a covariance for MvNormal, and keeps one under positive scaling', () => {
    const mvn = (decls: string, cov: string) =>
      model(`
  size N, D
  data x[N]: real[D]
  param mu: real[D]
  ${decls}
  for n in N { x[n] ~ MvNormal(mu, ${cov}) }`);
    expectClean(check(mvn('param S: cov[D]\n  param c: positive', 'S * c')));
    expectClean(check(mvn('param S: cov[D]\n  param c: positive', 'c * S + eye(D)')));
    expectClean(check(mvn('param S: cov[D]', 'S / 2')));
    expectDiagnostic(check(mvn('param S: cov[D]', '-S')), 'E2019', { at: '-S', message: 'must be cov[D]' });
    expectDiagnostic(check(mvn('param S: cov[D]\n  param c: real', 'S * c')), 'E2019', { at: 'S * c' });
    expectDiagnostic(check(mvn('param S: real[D, D]', 'S')), 'E2019', { at: 'S', hint: 'declare S with type cov[D]' });
  });

  it('needs a vector mean for MvNormal', () => {
    const r = check(
      model('size N, D\n  data x[N]: real[D]\n  param S: cov[D]\n  for n in N { x[n] ~ MvNormal(0, S) }'),
    );
    expectDiagnostic(r, 'E2019', { at: '0', message: 'the mean of MvNormal must be real[D], but 0 is count' });
  });

  it('accepts a vector or a scalar concentration for Dirichlet', () => {
    const dir = (alpha: string) =>
      model(
        `size K\n  param a: positive[K]\n  param w: simplex[K]\n  w ~ Dirichlet(${alpha})\n  data u: real\n  u ~ Normal(a[0] + w[0], 1)`,
      );
    expectClean(check(dir('a')));
    expectClean(check(dir('2')));
    expectDiagnostic(check(dir('-1')), 'E2018', { at: '-1', message: 'must be positive[K] or positive' });
  });
});

describe('the value lies in the support', () => {
  it('a Poisson value is a count', () => {
    expectDiagnostic(check(single('real', 'param r: positive', 'Poisson(r)')), 'E2021', {
      at: 'y[n]',
      message: 'Poisson gives values of type count, but y[n] is real',
      hint: 'declare y with element type count',
    });
    expectDiagnostic(check(single('int', 'param r: positive', 'Poisson(r)')), 'E2021', { at: 'y[n]' });
  });

  it('a Bernoulli value is declared count or int', () => {
    expectClean(check(single('count', 'param p: prob', 'Bernoulli(p)')));
    expectClean(check(single('int', 'param p: prob', 'Bernoulli(p)')));
    expectDiagnostic(check(single('real', 'param p: prob', 'Bernoulli(p)')), 'E2021', {
      message: 'Bernoulli gives values of type count or int',
    });
  });

  it('a Categorical value is a category', () => {
    expectDiagnostic(check(single('count', 'size K\n  param w: simplex[K]', 'Categorical(w)')), 'E2021', {
      message: 'Categorical gives values of type cat[K], but y[n] is count',
    });
  });

  it('Gamma, Exponential and LogNormal values are positive; Beta values are probabilities', () => {
    expectClean(check(single('positive', '', 'Gamma(2, 1)')));
    expectDiagnostic(check(single('real', '', 'Gamma(2, 1)')), 'E2021', { message: 'but y[n] is real' });
    expectDiagnostic(check(single('prob', '', 'Exponential(1)')), 'E2021', { message: 'but y[n] is prob' });
    expectDiagnostic(check(single('real', '', 'LogNormal(0, 1)')), 'E2021');
    expectClean(check(single('prob', '', 'Beta(1, 1)')));
    expectDiagnostic(check(single('positive', '', 'Beta(1, 1)')), 'E2021');
  });

  it('a Normal value may be any real-valued type, and integer data is promoted', () => {
    for (const t of ['real', 'positive', 'prob', 'real[3]', 'count', 'int']) {
      expectClean(check(single(t, 'param m: real', 'Normal(m, 1)')));
    }
    const latent = model(
      'size N\n  latent b[N]: count\n  data y[N]: real\n  for n in N { b[n] ~ Normal(0, 1)\n y[n] ~ Normal(b[n], 1) }',
    );
    expectDiagnostic(check(latent), 'E2021', {
      at: 'b[n]',
      message: 'Normal gives values of type real, but b[n] is count',
    });
  });

  it('a Dirichlet value is a simplex, an InvWishart value a covariance', () => {
    const r = check(model('size K\n  param w: real[K]\n  w ~ Dirichlet(1)\n  data u: real\n  u ~ Normal(w[0], 1)'));
    expectDiagnostic(r, 'E2021', { at: 'w', message: 'Dirichlet gives values of type simplex[K], but w is real[K]' });
    const s = check(
      model('size D\n  param S: real[D, D]\n  S ~ InvWishart(5, eye(D))\n  data u: real\n  u ~ Normal(S[0][0], 1)'),
    );
    expectDiagnostic(s, 'E2021', { at: 'S', message: 'InvWishart gives values of type cov[D]' });
  });
});

describe('arity', () => {
  it('names the expected parameters', () => {
    expectDiagnostic(check(single('real', 'param m: real', 'Normal(m)')), 'E2016', {
      at: 'y[n] ~ Normal(m)',
      message: 'Normal takes 2 arguments (mean, sd), but 1 was given',
      hint: 'write Normal(mean, sd)',
    });
    expectDiagnostic(check(single('count', '', 'Poisson(1, 2)')), 'E2016', {
      message: 'Poisson takes 1 argument (rate), but 2 were given',
    });
    expectDiagnostic(check(single('real', 'param m: real', 'Normal(exp(m, 1), 1)')), 'E2017', {
      at: 'exp(m, 1)',
      message: 'exp takes 1 argument (x), but 2 were given',
    });
  });
});
