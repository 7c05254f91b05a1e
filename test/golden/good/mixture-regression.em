// Mixture of linear regressions: each observation follows one of K regression lines, with its
// own coefficients and noise level; the coefficients are a weighted least-squares update.
model mixture_regression {
  size N, P
  size K = 2

  data   X[N]: real[P]
  data   y[N]: real

  param  w: simplex[K]
  param  beta[K]: real[P]
  param  sigma[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Normal(dot(X[n], beta[z[n]]), sigma[z[n]])
  }
}
