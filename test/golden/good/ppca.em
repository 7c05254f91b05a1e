// Probabilistic PCA: a linear-Gaussian latent with isotropic noise (one scalar sigma).
model ppca {
  size N, D
  size L = 2

  data   x[N]: real[D]

  param  W: real[D, L]
  param  mu: real[D]
  param  sigma: positive

  latent f[N]: real[L]

  for n in N {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu + W * f[n], sigma)
  }
}
