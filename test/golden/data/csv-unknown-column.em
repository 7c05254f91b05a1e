// Mixture of logistic regressions
model mixlogit {
  size N, P
  size K = 2
  data   X[N]: real[P]
  data   y[N]: count
  param  w: simplex[K]
  param  beta[K]: real[P]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))
  }
}
