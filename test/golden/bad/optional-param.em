// Multivariate normal where the missing-entries mark is on the mean instead of the data
model mvn_missing {
  size N, D
  data   x[N]: real[D]
  param  mu: real[D]?
  param  Sigma: cov[D]
  for n in N { x[n] ~ MvNormal(mu, Sigma) }
}
