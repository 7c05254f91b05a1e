// A Gaussian mixture fitted to rows with missing entries (null in the data): per component the
// observed entries have their marginal normal density, and the missing ones are latent with the
// conditional normal given the observed ones, weighted by the responsibilities.
model gmm_missing {
  size N, D
  size K = 3

  data   x[N]: real[D]?

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
