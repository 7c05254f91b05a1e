// Two latents that each depend on the other: not a directed acyclic graph.
model cycle {
  size N
  data   y[N]: real
  latent a[N]: real
  latent b[N]: real
  for n in N {
    a[n] ~ Normal(b[n], 1)
    b[n] ~ Normal(a[n], 1)
    y[n] ~ Normal(a[n], 1)
  }
}
