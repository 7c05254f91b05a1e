// Mixture whose labels range over the observation symbols instead of the components
model catmix {
  size N, K, M
  data   y[N]: cat[M]
  param  w: simplex[M]
  param  emit[K]: simplex[M]
  latent z[N]: cat[M]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Categorical(emit[z[n]])
  }
}
