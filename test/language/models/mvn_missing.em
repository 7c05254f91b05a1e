// Multivariate normal with missing entries: the missing entries are latent
model mvn_missing {
  size N, D
  data   x[N]: real[D]?
  param  mu: real[D]
  param  Sigma: cov[D]
  for n in N { x[n] ~ MvNormal(mu, Sigma) }
}
