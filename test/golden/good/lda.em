// Latent Dirichlet allocation over documents of different lengths: per-document topic
// proportions and per-word topic labels interact, so the E-step is mean-field variational.
model lda {
  size Docs, V
  size Len[Docs]
  size K = 5

  data   w[Docs][Len]: cat[V]

  param  alpha: positive[K]
  param  topics[K]: simplex[V]

  latent theta[Docs]: simplex[K]
  latent z[Docs][Len]: cat[K]

  for d in Docs {
    theta[d] ~ Dirichlet(alpha)
    for i in Len[d] {
      z[d][i] ~ Categorical(theta[d])
      w[d][i] ~ Categorical(topics[z[d][i]])
    }
  }
}
