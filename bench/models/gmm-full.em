// Benchmark workload: Gaussian mixture with a full covariance per component (the peers'
// gmm_full: sklearn covariance_type="full", pomegranate MultivariateGaussian, mclust VVV).
model bench_gmm_full {
  size N, D, K

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
