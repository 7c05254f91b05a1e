// Multivariate normal whose covariance is declared as a plain matrix
model mvn {
  size N, D
  data   x[N]: real[D]
  param  mu: real[D]
  param  Sigma: real[D, D]
  for n in N { x[n] ~ MvNormal(mu, Sigma) }
}
