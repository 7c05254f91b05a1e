// Factor analysis whose loading matrix is written transposed
model fa {
  size N, D, L
  data   x[N]: real[D]
  param  W: real[L, D]
  param  mu: real[D]
  param  psi: positive[D]
  latent f[N]: real[L]
  for n in N {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu + W * f[n], psi)
  }
}
