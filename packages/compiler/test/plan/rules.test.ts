/** Each rule of the table matched on a minimal model, and the covered structures of issue 3. */
import { describe, expect, it } from 'vitest';
import { updateRules } from '../../src/index.js';
import { mixture, plan, planLines } from './helpers.js';

describe('closed-form rules on minimal mixtures', () => {
  const rows: [string, string, string, string][] = [
    ['Poisson(rate[z[n]])', 'count', 'param rate[K]: positive', 'rate: closed-form poisson-rate'],
    ['Bernoulli(p[z[n]])', 'count', 'param p[K]: prob', 'p: closed-form bernoulli-probability'],
    ['Binomial(10, p[z[n]])', 'count', 'param p[K]: prob', 'p: closed-form binomial-probability'],
    ['Exponential(rate[z[n]])', 'positive', 'param rate[K]: positive', 'rate: closed-form exponential-rate'],
    ['Multinomial(10, p[z[n]])', 'count[3]', 'param p[K]: simplex[3]', 'p: closed-form multinomial-probabilities'],
    ['Normal(m[z[n]], s[z[n]])', 'real', 'param m[K]: real\n  param s[K]: positive', 's: closed-form normal-sd'],
    [
      'MvNormal(mu[z[n]], Sigma)',
      'real[2]',
      'param mu[K]: real[2]\n  param Sigma: cov[2]',
      'Sigma: closed-form mv-normal-covariance',
    ],
    ['Gamma(a[z[n]], b[z[n]])', 'positive', 'param a[K]: positive\n  param b[K]: positive', 'a: numeric numeric'],
    ['Gamma(2, b[z[n]])', 'positive', 'param b[K]: positive', 'b: closed-form gamma-rate'],
    ['Normal(m[z[n]], 1)', 'real[3]', 'param m[K]: real[3]', 'm: closed-form normal-mean'],
    [
      'MvNormal(mu[z[n]], S[z[n]])',
      'real[2]',
      'param mu[K]: real[2]\n  param S[K]: cov[2]',
      'mu: closed-form mv-normal-mean',
    ],
  ];
  for (const [component, type, params, expected] of rows) {
    it(component, () => {
      const lines = planLines(mixture(component, type, params));
      expect(lines).toContain('z: enumerate');
      expect(lines).toContain('w: closed-form categorical-probabilities');
      expect(lines).toContain(expected);
    });
  }

  it('every rule in the table is used by some case', () => {
    expect(new Set(updateRules.map((r) => r.id)).size).toBe(updateRules.length);
  });
});

describe('priors', () => {
  it('conjugate priors give closed-form MAP', () => {
    expect(
      planLines(
        mixture(
          'Poisson(rate[z[n]])',
          'count',
          'param rate[K]: positive',
          'w ~ Dirichlet(2)\n  for k in K { rate[k] ~ Gamma(2, 1) }',
        ),
      ),
    ).toEqual(['z: enumerate', 'w: closed-form-map dirichlet-map', 'rate: closed-form-map gamma-map']);
    expect(
      planLines(mixture('Bernoulli(p[z[n]])', 'count', 'param p[K]: prob', 'for k in K { p[k] ~ Beta(2, 2) }')),
    ).toContain('p: closed-form-map beta-map');
    expect(
      planLines(
        mixture(
          'MvNormal(mu[z[n]], Sigma)',
          'real[2]',
          'param mu[K]: real[2]\n  param Sigma: cov[2]',
          'Sigma ~ InvWishart(4, eye(2))',
        ),
      ),
    ).toContain('Sigma: closed-form-map inv-wishart-map');
  });
  it('a non-conjugate prior gives a numeric update', () => {
    const outcome = plan(
      mixture('Poisson(rate[z[n]])', 'count', 'param rate[K]: positive', 'for k in K { rate[k] ~ LogNormal(0, 1) }'),
    );
    const rate = outcome.plan?.params.find((p) => p.name === 'rate');
    expect(rate?.update).toBe('numeric');
    expect(rate?.reason).toMatch(/LogNormal prior on rate is not conjugate/);
  });
});

describe('covered structures', () => {
  it('a probability vector built from a param is numeric', () => {
    const lines = planLines(`model g {
  size N
  data y[N]: cat[4]
  param theta: prob
  for n in N { y[n] ~ Categorical([0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4]) }
}`);
    expect(lines).toEqual(['theta: numeric numeric']);
  });

  it('mixture of linear regressions: weighted least squares', () => {
    const lines = planLines(`model r {
  size N, P
  size K = 2
  data X[N]: real[P]
  data y[N]: real
  param w: simplex[K]
  param beta[K]: real[P]
  param sigma[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Normal(dot(X[n], beta[z[n]]), sigma[z[n]])
  }
}`);
    expect(lines).toEqual([
      'z: enumerate',
      'w: closed-form categorical-probabilities',
      'beta: weighted-least-squares regression-coefficients',
      'sigma: closed-form normal-sd',
    ]);
  });

  it('two latents per item: product space', () => {
    const outcome = plan(`model alleles {
  size N
  size A = 3
  data y[N]: real
  param freq: simplex[A]
  param mu[A][A]: real
  latent a1[N]: cat[A]
  latent a2[N]: cat[A]
  for n in N {
    a1[n] ~ Categorical(freq)
    a2[n] ~ Categorical(freq)
    y[n] ~ Normal(mu[a1[n]][a2[n]], 1)
  }
}`);
    const a1 = outcome.plan?.latents[0];
    expect(a1?.strategy).toBe('enumerate');
    expect(a1?.jointWith).toEqual(['a2']);
    expect(a1?.reason).toMatch(/product space/);
  });

  it('Student-t scale mixture: conjugate Gamma precision', () => {
    const lines = planLines(`model t {
  size N, D
  data nu: positive
  data x[N]: real[D]
  param mu: real[D]
  param Sigma: cov[D]
  latent u[N]: positive
  for n in N {
    u[n] ~ Gamma(nu / 2, nu / 2)
    x[n] ~ MvNormal(mu, Sigma / u[n])
  }
}`);
    expect(lines).toEqual([
      'u: conjugate',
      'mu: closed-form mv-normal-mean',
      'Sigma: closed-form mv-normal-covariance',
    ]);
  });

  it('StudentT data: nu numeric and a scale-mixture note', () => {
    const outcome = plan(`model st {
  size N
  data x[N]: real
  param nu: positive
  param m: real
  param s: positive
  for n in N { x[n] ~ StudentT(nu, m, s) }
}`);
    expect(outcome.plan?.params.map((p) => `${p.name}: ${p.update}`)).toContain('nu: numeric');
    expect(outcome.plan?.notes[0]).toMatch(/scale mixture/);
  });

  it('LDA: mean-field', () => {
    const lda = `model lda {
  size D, K, V
  size L[D]
  data w[D][L]: cat[V]
  param alpha: positive[K]
  param topics[K]: simplex[V]
  latent theta[D]: simplex[K]
  latent z[D][L]: cat[K]
  for d in D {
    theta[d] ~ Dirichlet(alpha)
    for i in L[d] {
      z[d][i] ~ Categorical(theta[d])
      w[d][i] ~ Categorical(topics[z[d][i]])
    }
  }
}`;
    const lines = planLines(lda);
    expect(lines.slice(0, 2)).toEqual(['theta: mean-field', 'z: mean-field']);
    expect(plan(lda).diagnostics.map((d) => d.code)).toEqual(['W4001']);
    expect(lines).toContain('topics: closed-form categorical-probabilities');
  });

  it('Poisson–lognormal: variational with a W4001 at the sub-expression', () => {
    const outcome = plan(`model pl {
  size N
  data y[N]: count
  param m: real
  param s: positive
  latent eta[N]: real
  for n in N {
    eta[n] ~ Normal(m, s)
    y[n] ~ Poisson(exp(eta[n]))
  }
}`);
    expect(outcome.plan?.latents[0]?.strategy).toBe('variational');
    const w = outcome.diagnostics.find((d) => d.code === 'W4001');
    expect(w?.message).toMatch(/exp\(eta\[n\]\).*non-Gaussian factor \(Poisson\).*variational EM/);
    expect(outcome.source.text.slice(w?.span?.start, w?.span?.end)).toBe('exp(eta[n])');
  });

  it('an unbounded discrete latent is an E4001 error', () => {
    const outcome = plan(`model c {
  size N
  data y[N]: real
  param rate: positive
  latent k[N]: count
  for n in N {
    k[n] ~ Poisson(rate)
    y[n] ~ Normal(k[n], 1)
  }
}`);
    expect(outcome.plan).toBeUndefined();
    expect(outcome.diagnostics.map((d) => d.code)).toContain('E4001');
  });
});
