/**
 * The Student-t models of the student-t-* fit tests, each in the explicit scale-mixture form
 * (a Gamma precision u[n] dividing the covariance) and as StudentT / MvStudentT: one
 * multivariate t, one univariate t, and a K-component mixture of multivariate t's with ν per
 * component given as data.
 */

export const mvtExplicit = `model mvt_explicit {
  size N, D
  data   nu: positive
  data   x[N]: real[D]
  param  mu: real[D]
  param  Sigma: cov[D]
  latent u[N]: positive
  for n in N {
    u[n] ~ Gamma(nu / 2, nu / 2)
    x[n] ~ MvNormal(mu, Sigma / u[n])
  }
}`;

export const mvtImplicit = `model mvt_implicit {
  size N, D
  data   nu: positive
  data   x[N]: real[D]
  param  mu: real[D]
  param  Sigma: cov[D]
  for n in N {
    x[n] ~ MvStudentT(nu, mu, Sigma)
  }
}`;

export const tExplicit = `model t_explicit {
  size N
  data   nu: positive
  data   y[N]: real
  param  mu: real
  param  s: positive
  latent u[N]: positive
  for n in N {
    u[n] ~ Gamma(nu / 2, nu / 2)
    y[n] ~ Normal(mu, s / sqrt(u[n]))
  }
}`;

export const tImplicit = `model t_implicit {
  size N
  data   nu: positive
  data   y[N]: real
  param  mu: real
  param  s: positive
  for n in N {
    y[n] ~ StudentT(nu, mu, s)
  }
}`;

export const tmixExplicit = `model tmix_explicit {
  size N, D, K
  data   nu[K]: positive
  data   x[N]: real[D]
  param  w: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent z[N]: cat[K]
  latent u[N]: positive
  for n in N {
    z[n] ~ Categorical(w)
    u[n] ~ Gamma(nu[z[n]] / 2, nu[z[n]] / 2)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]] / u[n])
  }
}`;

export const tmixImplicit = `model tmix_implicit {
  size N, D, K
  data   nu[K]: positive
  data   x[N]: real[D]
  param  w: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ MvStudentT(nu[z[n]], mu[z[n]], Sigma[z[n]])
  }
}`;
