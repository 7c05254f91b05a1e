// Gaussian mixture with a leftover param from an earlier version
model gmm {
  size N, D
  size K = 3
  data   x[N]: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  param  scale: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
