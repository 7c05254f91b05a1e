// Gaussian mixture with a spherical covariance per component: one standard deviation per
// component, shared by all dimensions.
model gmm_spherical {
  size N, D
  size K = 3

  data   x[N]: real[D]

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  s[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ Normal(mu[z[n]], s[z[n]])
  }
}
