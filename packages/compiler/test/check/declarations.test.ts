/** Checks of declarations themselves: sizes, ragged sizes, dims, element types, `?`, roles. */
import { describe, expect, it } from 'vitest';
import { check, expectClean, expectCodes, expectDiagnostic, model } from './helpers.js';

const withX = (decls: string, dims = '[n]') =>
  model(`
  size N
  ${decls}
  param m: real
  for n in N { x${dims} ~ Normal(m, 1) }`);

describe('sizes', () => {
  it('needs a positive integer default', () => {
    for (const bad of ['0', '2.5', 'N']) {
      const r = check(
        model(
          `size N\n  size K = ${bad}\n  data y[N]: cat[K]\n  param w: simplex[K]\n  for n in N { y[n] ~ Categorical(w) }`,
        ),
      );
      expectDiagnostic(r, 'E2010', { at: bad });
    }
  });

  it('needs a plain size under a ragged size', () => {
    const hmm = (over: string, extra = '') =>
      model(`
  size S
  ${extra}
  size T[${over}]
  data y[S][T]: real
  param m: real
  for s in S { for t in T[s] { y[s][t] ~ Normal(m, 1) } }`);
    expectClean(check(hmm('S')));
    expectDiagnostic(check(hmm('Q')), 'E2011', { at: 'Q', message: 'Q is not declared', hint: "did you mean 'S'?" });
    expectDiagnostic(check(hmm('U', 'size V\n  size U[V]')), 'E2011', { at: 'U', message: 'itself ragged' });
    expectDiagnostic(check(hmm('m')), 'E2011', { at: 'm', message: 'but m is a param' });
    // The mistake is reported once, not again at every use of T.
    expectCodes(check(hmm('Q')), ['E2011']);
  });

  it('places a ragged size right after the size it is ragged over', () => {
    const ragged = (dims: string, type = 'real') =>
      model(`
  size S, N
  size T[S]
  data y${dims}: ${type}
  param m: real
  for s in S { for t in T[s] { y[s][t] ~ Normal(m, 1) } }`);
    expectDiagnostic(check(ragged('[N][T]')), 'E2009', { at: 'T' });
    expectDiagnostic(check(ragged('[T][S]')), 'E2009', { at: 'T' });
    expectDiagnostic(check(ragged('[S]', 'real[T]')), 'E2009', { at: 'T' });
  });
});

describe('variable declarations', () => {
  it('accepts sizes and positive integer lengths as dims', () => {
    expectClean(check(withX('data x[N]: real[3]', '[n]')));
  });

  it('rejects other dims', () => {
    expectDiagnostic(check(withX('data x[N + 1]: real')), 'E2008', { at: 'N + 1', message: 'is an expression' });
    expectDiagnostic(check(withX('data x[0]: real')), 'E2008', { at: '0', message: 'not a positive integer' });
    expectDiagnostic(check(withX('data x[N]: real[m]')), 'E2008', { at: 'm', message: 'is a param' });
  });

  it('checks the number of shape arguments of each type', () => {
    expectDiagnostic(check(withX('data x[N]: cat')), 'E2007', { at: 'cat', message: 'exactly 1 shape argument' });
    expectDiagnostic(check(withX('data x[N]: simplex[N, N]')), 'E2007', { at: 'simplex[N, N]' });
    expectDiagnostic(check(withX('data x[N]: real[N, N, N]')), 'E2007', { message: 'at most 2 shape arguments' });
  });

  it('allows ? only on data', () => {
    expectClean(check(withX('data x[N]: real?')));
    const r = check(model('size N\n  data x[N]: real\n  param m: real?\n  for n in N { x[n] ~ Normal(m, 1) }'));
    expectDiagnostic(r, 'E2012', { at: 'real', message: "param 'm'" });
  });

  it('rejects discrete params', () => {
    const r = check(model('size N\n  data y[N]: count\n  param k: count\n  for n in N { y[n] ~ Poisson(k + 1) }'));
    expectDiagnostic(r, 'E2013', { at: 'count', hint: '`latent k: …`' });
  });

  it('gives a wrongly declared variable no type, so its uses are quiet', () => {
    const r = check(model('size N\n  data x[N]: reel\n  param m: real\n  for n in N { x[n] ~ Normal(m + x[n], 1) }'));
    expectCodes(r, ['E2006']);
    expect(r.diagnostics[0]?.hint).toBe("did you mean 'real'?");
  });
});
