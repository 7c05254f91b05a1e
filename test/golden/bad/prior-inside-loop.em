// Poisson mixture with the weights' prior inside the loop over observations
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  for n in N {
    w ~ Dirichlet(2)
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
