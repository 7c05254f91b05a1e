// Mixture of two components whose means are stacked in a vector literal
model twomix {
  size N, D
  data   x[N]: real[D]
  param  w: simplex[2]
  param  a: real[D]
  param  b: real[D]
  param  s: positive
  latent z[N]: cat[2]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Normal([a, b][z[n]], s)
  }
}
