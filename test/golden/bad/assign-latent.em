// Mixture that assigns the labels instead of giving them a distribution
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  rate[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] = 0
    y[n] ~ Poisson(rate[z[n]])
  }
}
