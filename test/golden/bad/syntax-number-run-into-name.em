// Poisson mixture with a prior; the prior's parameter was typed as '1e'
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  w ~ Dirichlet(1e)
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
