// Mixture of factor analysers: each component has its own mean and loadings; the noise is
// diagonal and shared. The E-step enumerates the component and, given it, the factors are
// Gaussian.
model mfa {
  size N, D
  size L = 2
  size K = 3

  data   x[N]: real[D]

  param  w: simplex[K]
  param  mu[K]: real[D]
  param  W[K]: real[D, L]
  param  psi: positive[D]

  latent z[N]: cat[K]
  latent f[N]: real[L]

  for n in N {
    z[n] ~ Categorical(w)
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu[z[n]] + W[z[n]] * f[n], psi)
  }
}
