/** Warnings about declarations nothing uses. */
import { describe, it } from 'vitest';
import { check, expectClean, expectCodes, expectDiagnostic, model } from './helpers.js';

const poisson = (extra: string, rate = 'rate') =>
  model(`
  size N
  data y[N]: count
  param rate: positive
  ${extra}
  for n in N { y[n] ~ Poisson(${rate}) }`);

describe('unused declarations', () => {
  it('warns about a param nothing uses, or only its own prior', () => {
    expectDiagnostic(check(poisson('param b: real')), 'W2001', { at: 'b', message: "param 'b' is never used" });
    expectDiagnostic(check(poisson('param b: real\n  b ~ Normal(0, 1)')), 'W2001', {
      message: "param 'b' is used only by its own prior",
    });
  });

  it('counts a use in a let, in another prior, or in a loop bound', () => {
    expectClean(check(poisson('param b: real\n  let r = rate * exp(b)', 'r')));
    expectClean(check(poisson('param a: positive\n  rate ~ Gamma(a, 1)\n  a ~ Exponential(1)')));
  });

  it('warns about unused sizes and lets', () => {
    expectDiagnostic(check(poisson('size K')), 'W2002', { at: 'K', message: "size 'K' is never used" });
    expectDiagnostic(check(poisson('let unusedRate = rate * 2')), 'W2003', { at: 'unusedRate' });
  });

  it('does not count a size that a ragged size is over as unused', () => {
    expectClean(
      check(
        model('size S\n  size T[S]\n  data y[S][T]: real\n  for s in S { for t in T[s] { y[s][t] ~ Normal(0, 1) } }'),
      ),
    );
  });

  it('warnings alone do not stop a model from checking', () => {
    const r = check(poisson('param b: real'));
    expectCodes(r, ['W2001']);
    if (!r.checked) throw new Error('expected a checked model despite the warning');
  });
});
