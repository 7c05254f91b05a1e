// Mixture of logistic regressions; the design matrix is declared as X[N, P]
model mixlogit {
  size N, P
  size K = 2
  data   X[N, P]: real
  data   y[N]: count
  param  w: simplex[K]
  param  beta[K]: real[P]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))
  }
}
