// Poisson-lognormal model: overdispersed counts whose log-rate is a latent Gaussian. The latent
// enters the Poisson through exp, which is not conjugate, so the E-step is variational.
model poisson_lognormal {
  size N

  data   y[N]: count

  param  mu: real
  param  sigma: positive

  latent eta[N]: real

  for n in N {
    eta[n] ~ Normal(mu, sigma)
    y[n] ~ Poisson(exp(eta[n]))
  }
}
