// factorial HMM: two chains jointly emitting
model fhmm {
  size T
  size K = 2
  data x[T]: real
  param init: simplex[K]
  param trans[K]: simplex[K]
  param mu[K][K]: real
  param s: positive
  latent a[T]: cat[K]
  latent b[T]: cat[K]
  a[0] ~ Categorical(init)
  b[0] ~ Categorical(init)
  for t in 1..T {
    a[t] ~ Categorical(trans[a[t-1]])
    b[t] ~ Categorical(trans[b[t-1]])
  }
  for t in T { x[t] ~ Normal(mu[a[t]][b[t]], s) }
}
