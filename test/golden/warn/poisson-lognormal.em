// Poisson–lognormal: a Gaussian latent log-rate per count; no conjugate form, so variational EM.
model poisson_lognormal {
  size N
  data   y[N]: count
  param  m: real
  param  s: positive
  latent eta[N]: real
  for n in N {
    eta[n] ~ Normal(m, s)
    y[n] ~ Poisson(exp(eta[n]))
  }
}
