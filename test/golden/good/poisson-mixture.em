// Mixture of Poisson distributions: counts from K hidden sources, each with its own rate.
model poisson_mixture {
  size N
  size K = 3

  data   y[N]: count

  param  w: simplex[K]
  param  rate[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
