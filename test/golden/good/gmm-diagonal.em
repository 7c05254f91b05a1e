// Gaussian mixture with a diagonal covariance per component: independent coordinates with
// one standard deviation per component and dimension.
model gmm_diagonal {
  size N, D
  size K = 3

  data   x[N]: real[D]

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  s[K]: positive[D]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ Normal(mu[z[n]], s[z[n]])
  }
}
