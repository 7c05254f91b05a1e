// Poisson mixture with a Dirichlet prior on the weights (MAP-EM)
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  w ~ Dirichlet(2)
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
