// Mixture of gamma distributions with an unknown shape and rate per component: the shape has no
// closed-form update (it involves the digamma function), so it is updated numerically.
model gamma_mixture {
  size N
  size K = 2

  data   x[N]: positive

  param  w: simplex[K]
  param  shape[K]: positive
  param  rate[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Gamma(shape[z[n]], rate[z[n]])
  }
}
