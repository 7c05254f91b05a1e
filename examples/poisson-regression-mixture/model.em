// A mixture of two Poisson regressions: each count comes from one of two hidden groups, each with
// its own log-linear rate in the covariates. The E-step is exact; the M-step for the coefficients
// has no closed form and is numeric (a generalized-EM step).
model poisson_regression_mixture {
  size N, P
  size K = 2

  data   X[N]: real[P]          // [1 (intercept), x1, x2]
  data   y[N]: count

  param  w: simplex[K]
  param  beta[K]: real[P]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(exp(dot(X[n], beta[z[n]])))
  }
}
