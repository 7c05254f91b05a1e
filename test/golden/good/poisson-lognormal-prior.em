// Poisson mixture with a log-normal prior on each rate: the prior is not conjugate to the
// Poisson, so the MAP update of the rates is numeric.
model poisson_lognormal_prior {
  size N
  size K = 2

  data   y[N]: count

  param  w: simplex[K]
  param  rate[K]: positive

  latent z[N]: cat[K]

  for k in K { rate[k] ~ LogNormal(0, 1) }
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
