// Mixture where the loop index has the name of the latent labels
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  for z in N {
    z[z] ~ Categorical(w)
    y[z] ~ Poisson(rate[z[z]])
  }
}
