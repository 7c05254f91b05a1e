// Gaussian mixture where the means are declared twice
model gmm {
  size N, D
  size K = 3
  data   x[N]: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  param  mu: real[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
