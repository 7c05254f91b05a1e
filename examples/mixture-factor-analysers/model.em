// Mixture of factor analysers (Ghahramani & Hinton 1996): each cluster is a factor analyser
// with its own mean and loadings; the noise levels are shared. A finite latent (the cluster)
// and a continuous one (the factors): enumeration × Gaussian posterior, both exact.
model mixture_factor_analysers {
  size N, D
  size K = 3                    // clusters
  size L = 2                    // factors per cluster

  data   x[N]: real[D]

  param  w: simplex[K]
  param  mu[K]: real[D]
  param  W[K]: real[D, L]
  param  psi: positive[D]       // noise standard deviations, shared by the clusters

  latent z[N]: cat[K]
  latent f[N]: real[L]

  for n in N {
    z[n] ~ Categorical(w)
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu[z[n]] + W[z[n]] * f[n], psi)
  }
}
