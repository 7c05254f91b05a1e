// Latent class analysis with J binary items: each item an independent Bernoulli given the class
// (test/peers/discrete/bernoulli_k3.json). A vector argument acts elementwise on the item vector.
model latent_class_bernoulli {
  size N, J
  size K = 3
  data   x[N]: count[J]
  param  weights: simplex[K]
  param  prob[K]: prob[J]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ Bernoulli(prob[z[n]])
  }
}
