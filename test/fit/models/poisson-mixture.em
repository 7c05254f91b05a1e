// A K-component Poisson mixture (test/peers/discrete/poisson_k3.json).
model poisson_mixture {
  size N
  size K = 3
  data   x[N]: count
  param  weights: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ Poisson(rate[z[n]])
  }
}
