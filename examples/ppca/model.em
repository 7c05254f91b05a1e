// Probabilistic PCA (Tipping & Bishop 1999): factor analysis with one noise level shared by
// every variable (isotropic noise), so the maximum-likelihood loadings span the leading
// principal subspace.
model ppca {
  size N, D
  size L = 2                    // principal components kept

  data   x[N]: real[D]

  param  W: real[D, L]          // loadings
  param  mu: real[D]
  param  sigma: positive        // noise standard deviation, the same for every variable

  latent f[N]: real[L]

  for n in N {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu + W * f[n], sigma)
  }
}
