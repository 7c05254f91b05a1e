// Gaussian mixture with one covariance shared by all components (tied covariance).
model gmm_tied {
  size N, D
  size K = 3

  data   x[N]: real[D]

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma: cov[D]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma)
  }
}
