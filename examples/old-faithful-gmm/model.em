// Old Faithful: eruption length and waiting time fall into two clusters (short and long
// eruptions). A two-component Gaussian mixture with a full covariance per component.
model old_faithful_gmm {
  size N, D
  size K = 2

  data   x[N]: real[D]          // [eruption minutes, waiting minutes]

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
