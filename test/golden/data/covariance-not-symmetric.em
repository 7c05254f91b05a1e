// Mixture of means with a known, shared covariance given as data
model fixed_cov {
  size N, D
  size K = 2
  data   x[N]: real[D]
  data   Sigma: cov[D]
  param  w: simplex[K]
  param  mu[K]: real[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ MvNormal(mu[z[n]], Sigma)
  }
}
