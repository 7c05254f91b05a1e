// Normal mixture whose standard deviations are declared real
model normmix {
  size N
  size K = 2
  data   y[N]: real
  param  w: simplex[K]
  param  mu[K]: real
  param  s[K]: real
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Normal(mu[z[n]], s[z[n]])
  }
}
