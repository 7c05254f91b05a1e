// Factor analysis: six observed variables explained by two latent factors, a loading matrix
// and independent (diagonal) noise.
model factor_analysis {
  size N, D
  size L = 2                    // factors

  data   x[N]: real[D]

  param  W: real[D, L]          // loadings
  param  mu: real[D]
  param  psi: positive[D]       // noise standard deviations

  latent f[N]: real[L]

  for n in N {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu + W * f[n], psi)
  }
}
