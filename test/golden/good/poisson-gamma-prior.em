// Poisson mixture with a conjugate Gamma prior on each rate: closed-form MAP updates of the rates.
model poisson_gamma_prior {
  size N
  size K = 2

  data   y[N]: count

  param  w: simplex[K]
  param  rate[K]: positive

  latent z[N]: cat[K]

  for k in K { rate[k] ~ Gamma(2, 1) }
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
