/** Coverage: every data and latent element has exactly one `~`; a param at most one prior. */
import { describe, expect, it } from 'vitest';
import { check, expectClean, expectCodes, expectDiagnostic, model } from './helpers.js';

const hmm = (statements: string) =>
  model(`
  size S, K
  size T[S]
  data   y[S][T]: real
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  mu[K]: real
  latent h[S][T]: cat[K]
  for s in S {
    ${statements}
    for t in T[s] { y[s][t] ~ Normal(mu[h[s][t]], 1) }
  }`);
const init = 'h[s][0] ~ Categorical(init)';
const chain = 'for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }';

describe('tiling', () => {
  it('accepts a first element apart from the rest of a ragged chain', () => {
    expectClean(check(hmm(`${init}\n    ${chain}`)));
  });

  it('accepts the chain written forwards with an offset', () => {
    expectClean(check(hmm(`${init}\n    for t in 0..T[s] - 1 { h[s][t + 1] ~ Categorical(trans[h[s][t]]) }`)));
  });

  it('names the uncovered part', () => {
    const r = check(hmm(chain));
    expectDiagnostic(r, 'E2034', {
      at: 'h',
      message: 'latent h[s][0] has no distribution statement',
      hint: 'add `for s in S { h[s][0] ~ … }`',
    });
    expectCodes(r, ['W2001', 'E2034']); // init is unused too
  });

  it('names an uncovered range', () => {
    const r = check(hmm(`${init}\n    for t in 2..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }`));
    expectDiagnostic(r, 'E2034', { message: 'latent h[s][1] has no distribution statement' });
    const tail = check(hmm(`${init}\n    for t in 1..T[s] - 1 { h[s][t] ~ Categorical(trans[h[s][t-1]]) }`));
    expectDiagnostic(tail, 'E2034', {
      message: 'latent h[s][T[s]-1] has no distribution statement',
      hint: 'add `for s in S { h[s][T[s]-1] ~ … }`',
    });
  });

  it('reports overlaps at the second statement, with a note at the first', () => {
    const r = check(hmm(`${init}\n    for t in T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }`));
    const d = expectDiagnostic(r, 'E2035', {
      at: 'h[s][t]',
      message: 'latent h[s][0] gets two distribution statements',
    });
    expect(d.related?.[0]?.message).toBe('the first distribution statement is here');
    expect(r.source.text.slice(d.related?.[0]?.span.start, d.related?.[0]?.span.end)).toBe('h[s][0]');
  });

  it('covers entries of vectors one at a time, or a whole array at once', () => {
    const vec = (stmts: string) => model(`size N, D\n  data x[N]: real[D]\n  param m: real[D]\n  ${stmts}`);
    expectClean(check(vec('for n in N { for d in D { x[n][d] ~ Normal(m[d], 1) } }')));
    expectClean(check(vec('x ~ Normal(0, 1)\n  m ~ Normal(0, 1)\n  data u: real\n  u ~ Normal(m[0], 1)')));
    expectDiagnostic(check(vec('for n in N { x[n][0] ~ Normal(m[0], 1) }')), 'E2034', {
      message: 'data x[n][1..D] has no distribution statement',
    });
  });
});

describe('statements per variable', () => {
  const poismix = (stmts: string, decls = '') =>
    model(`
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  ${decls}
  latent z[N]: cat[K]
  ${stmts}`);
  const body = 'for n in N {\n z[n] ~ Categorical(w)\n y[n] ~ Poisson(rate[z[n]]) }';

  it('allows one prior per param, whole or per element', () => {
    expectClean(check(poismix(`w ~ Dirichlet(2)\n  ${body}`)));
    expectClean(check(poismix(`for k in K { rate[k] ~ Gamma(2, 1) }\n  ${body}`)));
    expectDiagnostic(check(poismix(`rate ~ Gamma(1, 1)\n  for k in K { rate[k] ~ Gamma(2, 1) }\n  ${body}`)), 'E2035', {
      at: 'rate[k]',
      message: 'param rate[k] gets two priors',
    });
  });

  it('reports a statement repeated by a loop it does not use', () => {
    expectDiagnostic(
      check(poismix('for n in N {\n w ~ Dirichlet(2)\n z[n] ~ Categorical(w)\n y[n] ~ Poisson(rate[z[n]]) }')),
      'E2036',
      {
        at: 'w',
        message: 'w gets a distribution statement once for every n of the enclosing `for n`',
      },
    );
  });

  it('requires a statement for every latent, and for data nothing uses', () => {
    expectDiagnostic(check(poismix('for n in N { y[n] ~ Poisson(rate[z[n]]) }')), 'E2033', {
      at: 'z',
      message: "latent 'z' has no distribution statement",
      hint: 'add `for n in N { z[n] ~ … }`',
    });
    expectDiagnostic(check(poismix(body, 'data unused[N]: real')), 'E2033', {
      at: 'unused',
      message: "data 'unused' has no distribution statement, and nothing uses it",
    });
  });

  it('treats data without a statement that is used as a fixed input', () => {
    expectClean(
      check(
        poismix('for n in N {\n z[n] ~ Categorical(w)\n y[n] ~ Poisson(rate[z[n]] * e[n]) }', 'data e[N]: positive'),
      ),
    );
  });

  it('requires a statement for data with missing entries', () => {
    const r = check(
      poismix('for n in N {\n z[n] ~ Categorical(w)\n y[n] ~ Poisson(rate[z[n]] * e[n]) }', 'data e[N]: positive?'),
    );
    expectDiagnostic(r, 'E2033', { at: 'e', message: "data 'e' has no distribution statement" });
  });

  it('only analyses targets indexed by loop indices and constants', () => {
    const random = poismix(
      'for n in N {\n z[n] ~ Categorical(w)\n y[c[n]] ~ Poisson(rate[z[n]]) }',
      'data c[N]: count',
    );
    expectDiagnostic(check(random), 'E2023', {
      at: 'c[n]',
      message: "the index 'c[n]' of y[c[n]] must be a loop index",
    });
    const diag = check(model('size N\n  data x[N][N]: real\n  for i in N { x[i][i] ~ Normal(0, 1) }'));
    expectDiagnostic(diag, 'E2037', { at: 'x[i][i]', message: "the loop index 'i' appears in more than one position" });
    const bound = check(model('size N\n  data m: count\n  data x[N]: real\n  for i in m { x[i] ~ Normal(0, 1) }'));
    expectDiagnostic(bound, 'E2037', { message: "the loop bound 'm' is not a size or a constant" });
  });

  it('tells a variable from other things on the left of ~', () => {
    expectDiagnostic(check(poismix(`${body}\n  let r = rate\n  r ~ Gamma(1, 1)`)), 'E2022', {
      at: 'r',
      message: 'r is a let',
    });
    expectDiagnostic(check(poismix(`${body}\n  K ~ Poisson(2)`)), 'E2022', { at: 'K', message: 'K is a size' });
    expectDiagnostic(check(poismix(`${body}\n  for n in N { n ~ Poisson(2) }`)), 'E2022', {
      message: 'n is a loop index',
    });
    expectDiagnostic(check(poismix(`${body}\n  exp(w[0]) ~ Gamma(1, 1)`)), 'E2022', {
      message: 'exp(w[0]) is an expression',
    });
  });

  it('rejects a distribution on one entry of a structured value', () => {
    expectDiagnostic(check(poismix(`w[0] ~ Beta(1, 1)\n  ${body}`)), 'E2024', {
      at: 'w[0]',
      message: 'one entry of a simplex',
    });
    const cov = check(
      model('size D\n  param S: cov[D]\n  S[0][0] ~ Gamma(1, 1)\n  data x: real[D]\n  x ~ MvNormal(zeros(D), S)'),
    );
    expectDiagnostic(cov, 'E2024', { message: 'one entry of a covariance matrix' });
  });
});

describe('assignments', () => {
  const base = (stmt: string) =>
    model(
      `size N\n  data y[N]: real\n  param m: real\n  latent u[N]: real\n  for n in N { u[n] ~ Normal(0, 1)\n y[n] ~ Normal(m + u[n], 1) }\n  ${stmt}`,
    );

  it('explains what to write instead of =', () => {
    expectDiagnostic(check(base('m = 1')), 'E2038', { at: 'm', hint: 'use `let` for a derived quantity' });
    expectDiagnostic(check(base('y[0] = 1')), 'E2039', { at: 'y[0]', message: "cannot assign to data 'y'" });
    expectDiagnostic(check(base('u[0] = 1')), 'E2039', { message: "cannot assign to latent 'u'" });
    expectDiagnostic(check(base('eta = m * 2')), 'E2040', { at: 'eta', hint: 'write `let eta = …`' });
  });
});
