// Latent class analysis with polytomous items: each of J answers takes one of M categories,
// independently given the person's hidden class.
model categorical_lca {
  size N, J, M
  size K = 3

  data   y[N][J]: cat[M]

  param  w: simplex[K]
  param  p[K][J]: simplex[M]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    for j in J { y[n][j] ~ Categorical(p[z[n]][j]) }
  }
}
