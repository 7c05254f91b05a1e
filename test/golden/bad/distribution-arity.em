// Normal mixture that forgets the standard deviation
model normmix {
  size N
  size K = 2
  data   y[N]: real
  param  w: simplex[K]
  param  mu[K]: real
  param  s[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Normal(mu[z[n]])
  }
}
