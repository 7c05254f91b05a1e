// A Bernoulli whose log-odds is a latent Gaussian per item: the latent enters through
// logistic, which is not conjugate and whose ELBO has no closed form, so the runtime has no
// E-step for it yet (the `fit-unsupported` golden case).
model logistic_normal {
  size N

  data   y[N]: count

  param  mu: real
  param  sigma: positive

  latent eta[N]: real

  for n in N {
    eta[n] ~ Normal(mu, sigma)
    y[n] ~ Bernoulli(logistic(eta[n]))
  }
}
