// Spherical Gaussian mixture; the arguments of Normal lack a comma
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
    x[n] ~ Normal(mu[z[n]] sigma[z[n]])
  }
}
