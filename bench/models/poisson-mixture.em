// Benchmark workload: a K-component Poisson mixture by maximum likelihood (no prior), the
// peers' poisson_mixture (hand-written numpy, pomegranate PoissonDistribution).
model bench_poisson_mixture {
  size N, K

  data   y[N]: count

  param  w: simplex[K]
  param  rate[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
