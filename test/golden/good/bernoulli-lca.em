// Latent class analysis with binary items: a mixture of independent Bernoulli vectors, each
// person answers J yes/no questions with class-specific probabilities.
model bernoulli_lca {
  size N, J
  size K = 2

  data   y[N]: count[J]         // 0/1 answers

  param  w: simplex[K]
  param  p[K]: prob[J]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Bernoulli(p[z[n]])
  }
}
