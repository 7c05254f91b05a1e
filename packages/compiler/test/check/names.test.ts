/** Names and scopes: unknown names, scopes of plate indices and lets, duplicates, shadowing. */
import { describe, expect, it } from 'vitest';
import { check, expectClean, expectCodes, expectDiagnostic, model } from './helpers.js';

const poisson = (stmt: string) =>
  model(`
  size N
  data y[N]: count
  param rate: positive
  ${stmt}`);

describe('unknown names', () => {
  it('suggests the closest declared name', () => {
    const r = check(poisson('for n in N { y[n] ~ Poisson(rtae) }'));
    const d = expectDiagnostic(r, 'E2001', { at: 'rtae', message: "unknown name 'rtae'" });
    expect(d.hint).toBe("did you mean 'rate'?");
    expectCodes(r, ['E2001']); // rate is not "unused": the typo was meant for it
  });

  it('explains that a plate index exists only inside its for', () => {
    const r = check(poisson('for n in N { y[n] ~ Poisson(rate) }\n  rate ~ Gamma(1, n)'));
    const d = expectDiagnostic(r, 'E2001', { at: 'n' });
    expect(d.hint).toContain('loop index declared on line 6');
  });

  it('explains that a let inside a for is not visible outside it', () => {
    const r = check(poisson('for n in N { let r = rate * 2\n y[n] ~ Poisson(r) }\n  rate ~ Gamma(1, r)'));
    expectDiagnostic(r, 'E2001', { at: 'r', hint: 'the let declared on line 6' });
  });

  it('reports a name used in a dimension as an unknown size', () => {
    const r = check(model('size N\n  data x[N]: real[Dim]\n  param m: real\n  for n in N { x[n] ~ Normal(m, 1) }'));
    expectDiagnostic(r, 'E2001', { at: 'Dim', hint: 'declare it with `size Dim`' });
  });

  it('reports unknown types, distributions and functions with suggestions', () => {
    expectDiagnostic(check(model('size N\n  data x[N]: rael')), 'E2006', { at: 'rael', hint: "did you mean 'real'?" });
    expectDiagnostic(check(poisson('for n in N { y[n] ~ Poison(rate) }')), 'E2014', {
      at: 'Poison',
      hint: "did you mean 'Poisson'?",
    });
    expectDiagnostic(check(poisson('for n in N { y[n] ~ Poisson(expp(rate)) }')), 'E2015', {
      at: 'expp',
      hint: "did you mean 'exp'?",
    });
  });

  it('tells a distribution from a function', () => {
    expectDiagnostic(check(poisson('for n in N { y[n] ~ exp(rate) }')), 'E2014', { at: 'exp', hint: 'is a function' });
    expectDiagnostic(check(poisson('for n in N { y[n] ~ Poisson(Gamma(1, 1)) }')), 'E2015', {
      at: 'Gamma',
      hint: 'is a distribution',
    });
  });
});

describe('declarations and scopes', () => {
  it('reports a duplicate with a note at the first declaration', () => {
    const r = check(poisson('param rate: real\n  for n in N { y[n] ~ Poisson(rate) }'));
    const d = expectDiagnostic(r, 'E2002', { at: 'rate', message: "'rate' is already declared as a param" });
    expect(d.span?.line).toBe(6);
    expect(d.related?.[0]?.span.line).toBe(5);
  });

  it('reports a size and a variable with the same name', () => {
    expectDiagnostic(check(poisson('data N: real\n  for n in N { y[n] ~ Poisson(rate) }')), 'E2002', {
      message: 'as a size',
    });
  });

  it('allows declarations only at the top level', () => {
    const r = check(poisson('for n in N { param b: real\n y[n] ~ Poisson(rate) }'));
    expectDiagnostic(r, 'E2003', { at: 'b' });
    expectDiagnostic(check(poisson('for n in N { size K\n y[n] ~ Poisson(rate) }')), 'E2003', { at: 'K' });
  });

  it('lets a let appear inside a for, visible after it', () => {
    expectClean(check(poisson('for n in N {\n let r = rate * 2\n y[n] ~ Poisson(r) }')));
    expectDiagnostic(check(poisson('for n in N {\n y[n] ~ Poisson(r)\n let r = rate * 2 }')), 'E2004', { at: 'r' });
  });

  it('lets sibling loops reuse an index name and a let name', () => {
    const r = check(
      model(`
  size N
  data x[N]: real
  data y[N]: count
  param m: real
  param rate: positive
  for n in N { let a = m\n x[n] ~ Normal(a, 1) }
  for n in N { let a = rate\n y[n] ~ Poisson(a) }`),
    );
    expectClean(r);
  });

  it('reports a plate index or let that hides another name', () => {
    expectDiagnostic(check(poisson('for rate in N { y[rate] ~ Poisson(2) }')), 'E2005', {
      at: 'rate',
      message: "loop index 'rate' hides the param of the same name",
    });
    expectDiagnostic(check(poisson('for n in N { for n in N { y[n] ~ Poisson(rate) } }')), 'E2005', {
      message: 'hides the loop index',
    });
    expectDiagnostic(check(poisson('let y = 2\n  for n in N { y[n] ~ Poisson(rate) }')), 'E2005', {
      at: 'y',
      message: "let 'y' hides the data of the same name",
    });
    expectDiagnostic(check(poisson('let a = 2\n  let a = 3\n  for n in N { y[n] ~ Poisson(rate * a) }')), 'E2005', {
      message: 'hides the let',
    });
  });

  it('sizes and variables may be used before their declaration', () => {
    expectClean(
      check(model('data y[N]: count\n  param rate: positive\n  for n in N { y[n] ~ Poisson(rate) }\n  size N')),
    );
  });
});
