// Mixture of gamma distributions whose common shape is known (given as data): only the rates
// are estimated, and given the shape each rate has a closed-form weighted MLE.
model gamma_mixture_known_shape {
  size N
  size K = 2

  data   shape: positive
  data   x[N]: positive

  param  w: simplex[K]
  param  rate[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Gamma(shape, rate[z[n]])
  }
}
