// Latent Dirichlet allocation (Blei, Ng & Jordan 2003) over documents of different lengths:
// per-document topic proportions theta[d] and per-word topics z[d][i] interact, so the E-step
// is mean-field variational (closed-form coordinate updates); the topic–word distributions get
// the closed-form M-step (normalised expected counts). The objective is the ELBO.
model lda {
  size Docs, V, K
  size Len[Docs]

  data   alpha: positive[K]          // Dirichlet concentration of the topic proportions
  data   w[Docs][Len]: cat[V]

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
