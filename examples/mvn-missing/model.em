// A multivariate normal estimated from rows with missing entries (null in the data): the
// missing entries are latent and the E-step is the conditional normal given the observed ones.
model mvn_missing {
  size N, D

  data   x[N]: real[D]?

  param  mu: real[D]
  param  Sigma: cov[D]

  for n in N { x[n] ~ MvNormal(mu, Sigma) }
}
