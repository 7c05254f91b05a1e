// Old Faithful as a two-dimensional Gaussian mixture, columns named in the file
model faithful {
  size N, D
  size K = 2
  data   x[N]: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
