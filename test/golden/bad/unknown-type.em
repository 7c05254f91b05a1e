// Factor analysis with a misspelled element type
model fa {
  size N, D, L
  data   x[N]: real[D]
  param  W: real[D, L]
  param  mu: real[D]
  param  psi: postive[D]
  latent f[N]: real[L]
  for n in N {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu + W * f[n], psi)
  }
}
