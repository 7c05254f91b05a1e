// Benchmark workload: Gaussian mixture with a diagonal covariance per component, written as
// independent normals with one standard deviation per coordinate (the peers' gmm_diag:
// sklearn covariance_type="diag", pomegranate IndependentComponents of Normals, mclust VVI).
model bench_gmm_diag {
  size N, D, K

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
