// Mixture of exponential distributions: waiting times from K hidden processes.
model exponential_mixture {
  size N
  size K = 2

  data   x[N]: positive

  param  w: simplex[K]
  param  rate[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Exponential(rate[z[n]])
  }
}
