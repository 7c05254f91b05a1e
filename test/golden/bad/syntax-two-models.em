// Two models in one file
model poismix {
  size N
  size K = 2
  data   y[N]: count
  param  w: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}

model poisson {
  size N
  data  y[N]: count
  param rate: positive
  for n in N { y[n] ~ Poisson(rate) }
}
