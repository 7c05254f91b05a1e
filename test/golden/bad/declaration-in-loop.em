// Mixture of Poissons where the component label is declared inside the loop
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  for n in N {
    latent z: cat[K]
    z ~ Categorical(w)
    y[n] ~ Poisson(rate[z])
  }
}
