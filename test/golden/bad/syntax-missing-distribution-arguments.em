// Poisson mixture with a prior; the prior's parameters are missing
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  w ~ Dirichlet
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
