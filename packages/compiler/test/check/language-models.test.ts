/** The models of LANGUAGE.md, and valid variants of them, check without any diagnostic. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, expectClean } from './helpers.js';

const modelsDir = fileURLToPath(new URL('../../../../test/language/models/', import.meta.url));
const languageModels = readdirSync(modelsDir).filter((f) => f.endsWith('.em'));

describe('LANGUAGE.md models', () => {
  it('are all present', () => {
    expect(languageModels.sort()).toEqual(
      ['fa.em', 'gmm.em', 'hmm.em', 'mixlogit.em', 'mvn_missing.em', 'poismix.em'].sort(),
    );
  });

  it.each(languageModels)('%s checks clean', (file) => {
    const result = check(readFileSync(`${modelsDir}${file}`, 'utf8'), `test/language/models/${file}`);
    expectClean(result);
    expect(result.checked).toBeDefined();
  });
});

const variants: Record<string, string> = {
  'spherical GMM (Normal with a vector child)': `
model spherical {
  size N, D
  size K = 3
  data   x[N]: real[D]
  param  w: simplex[K]
  param  mu[K]: real[D]
  param  s[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Normal(mu[z[n]], s[z[n]])
  }
}`,
  'diagonal GMM': `
model diagonal {
  size N, D, K
  data   x[N]: real[D]
  param  w: simplex[K]
  param  mu[K]: real[D]
  param  sd[K]: positive[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Normal(mu[z[n]], sd[z[n]])
  }
}`,
  'tied covariance': `
model tied {
  size N, D
  size K = 2
  data   x[N]: real[D]
  param  w: simplex[K]
  param  mu[K]: real[D]
  param  Sigma: cov[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ MvNormal(mu[z[n]], Sigma)
  }
}`,
  'Student-t as a Gamma scale mixture': `
model student {
  size N, D
  data   x[N]: real[D]
  param  mu: real[D]
  param  Sigma: cov[D]
  param  nu: positive
  latent u[N]: positive
  for n in N {
    u[n] ~ Gamma(nu / 2, nu / 2)
    x[n] ~ MvNormal(mu, Sigma / u[n])
  }
}`,
  'two alleles per person': `
model alleles {
  size N
  size K = 3
  data   g[N]: real
  param  p: simplex[K]
  param  effect[K]: real
  param  s: positive
  latent a1[N]: cat[K]
  latent a2[N]: cat[K]
  for n in N {
    a1[n] ~ Categorical(p)
    a2[n] ~ Categorical(p)
    g[n] ~ Normal(effect[a1[n]] + effect[a2[n]], s)
  }
}`,
  'genetic linkage': `
model linkage {
  size N
  data   x[N]: cat[4]
  param  theta: prob
  for n in N {
    x[n] ~ Categorical([0.5 + theta/4, (1 - theta)/4, (1 - theta)/4, theta/4])
  }
}`,
  'genetic linkage with a size default': `
model linkage {
  size N
  size K = 4
  data   x[N]: cat[K]
  param  theta: prob
  for n in N {
    let p = [0.5 + theta/4, (1 - theta)/4, (1 - theta)/4, theta/4]
    x[n] ~ Categorical(p)
  }
}`,
  'HMM with Normal emissions': `
model gauss_hmm {
  size S, K
  size T[S]
  data   y[S][T]: real
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  mu[K]: real
  param  sigma[K]: positive
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }
    for t in T[s] { y[s][t] ~ Normal(mu[h[s][t]], sigma[h[s][t]]) }
  }
}`,
  'fixed emission table given as data': `
model fixed_emissions {
  size S, K, M
  size T[S]
  data   E[K]: simplex[M]
  data   y[S][T]: cat[M]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }
    for t in T[s] { y[s][t] ~ Categorical(E[h[s][t]]) }
  }
}`,
  'mixture of factor analysers': `
model mfa {
  size N, D, L
  size K = 2
  data   x[N]: real[D]
  param  w: simplex[K]
  param  W[K]: real[D, L]
  param  mu[K]: real[D]
  param  psi: positive[D]
  latent z[N]: cat[K]
  latent f[N]: real[L]
  for n in N {
    z[n] ~ Categorical(w)
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu[z[n]] + W[z[n]] * f[n], psi)
  }
}`,
  'priors on every kind of param': `
model priors {
  size N, D
  size K = 2
  data   x[N]: real[D]
  data   c[N]: count
  param  w: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  param  rate: positive
  param  beta[K]: real
  latent z[N]: cat[K]
  w ~ Dirichlet(ones(K))
  rate ~ Gamma(2, 1)
  for k in K {
    mu[k] ~ MvNormal(zeros(D), eye(D) * 10)
    Sigma[k] ~ InvWishart(D + 2, eye(D))
    beta[k] ~ Normal(0, 1)
  }
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
    c[n] ~ Poisson(rate * exp(beta[z[n]]))
  }
}`,
  'every distribution of the required set': `
model zoo {
  size N
  size K = 3
  size D = 2
  data   a[N]: cat[K]
  data   b[N]: count
  data   c[N]: count
  data   d[N]: count[K]
  data   e[N]: count
  data   f[N]: real
  data   g[N]: real[D]
  data   h[N]: positive
  data   i[N]: positive
  data   j[N]: prob
  data   k[N]: simplex[K]
  data   l[N]: real
  data   m[N]: real[D]
  data   o[N]: positive
  data   q[N]: cov[D]
  data   trials[N]: count
  param  p: simplex[K]
  param  pr: prob
  param  r: positive
  param  mu: real[D]
  param  S: cov[D]
  for n in N {
    a[n] ~ Categorical(p)
    b[n] ~ Bernoulli(pr)
    c[n] ~ Binomial(trials[n], pr)
    d[n] ~ Multinomial(trials[n], p)
    e[n] ~ Poisson(r)
    f[n] ~ Normal(0, r)
    g[n] ~ MvNormal(mu, S)
    h[n] ~ Exponential(r)
    i[n] ~ Gamma(r, 1)
    j[n] ~ Beta(r, r)
    k[n] ~ Dirichlet(r)
    l[n] ~ StudentT(r, 0, 1)
    m[n] ~ MvStudentT(r, mu, S)
    o[n] ~ LogNormal(0, r)
    q[n] ~ InvWishart(r + 3, S)
  }
}`,
  'Bernoulli with int data, logistic regression with a let': `
model logit {
  size N, P
  data   X[N]: real[P]
  data   y[N]: int
  param  beta: real[P]
  for n in N {
    let eta = dot(X[n], beta)
    y[n] ~ Bernoulli(logistic(eta))
  }
}`,
  'count data under a Normal (promoted, as in Stan)': `
model counts {
  size N
  data   y[N]: count
  param  mu: real
  param  s: positive
  for n in N { y[n] ~ Normal(mu, s) }
}`,
  'elementwise entries of a vector and a whole-array statement': `
model entries {
  size N, D
  data   x[N]: real[D]
  data   y[N]: real
  param  mu: real[D]
  param  s: positive
  y ~ Normal(0, s)
  for n in N { for d in D { x[n][d] ~ Normal(mu[d], s) } }
}`,
  'a sequence with its first element apart, in plain sizes': `
model ar {
  size T
  data   y[T]: real
  param  phi: real
  param  s: positive
  y[0] ~ Normal(0, s)
  for t in 1..T { y[t] ~ Normal(phi * y[t - 1], s) }
}`,
  'softmax weights and matrix rows': `
model rows {
  size N, R, C
  data   x[N]: cat[C]
  data   M: real[R, C]
  param  v: real[C]
  for n in N { x[n] ~ Categorical(softmax(v + M[0] * sum(v) / 2)) }
}`,
};

describe('valid variants', () => {
  it.each(Object.entries(variants))('%s checks clean', (_, text) => {
    expectClean(check(text));
  });
});
