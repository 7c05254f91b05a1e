// A latent count has an unbounded support: it cannot be enumerated or approximated by a Gaussian.
model latent_count {
  size N
  data   y[N]: real
  param  rate: positive
  latent k[N]: count
  for n in N {
    k[n] ~ Poisson(rate)
    y[n] ~ Normal(k[n], 1)
  }
}
