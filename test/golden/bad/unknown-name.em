// Spherical Gaussian mixture; the standard deviation is misspelled in the emission
model spherical {
  size N, D
  size K = 3
  data   x[N]: real[D]
  param  w: simplex[K]
  param  mu[K]: real[D]
  param  sigma[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Normal(mu[z[n]], sigam[z[n]])
  }
}
