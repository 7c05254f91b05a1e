// Poisson mixture; the data is named with the keyword 'size'
model poismix {
  size N
  size K = 2
  data   size[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    size[n] ~ Poisson(rate[z[n]])
  }
}
