// Factor analysis; the loop header is written as in Stan
model fa {
  size N, D, L
  data   x[N]: real[D]
  param  W: real[D, L]
  param  mu: real[D]
  param  psi: positive[D]
  latent f[N]: real[L]
  for (n in 1:N) {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu + W * f[n], psi)
  }
}
