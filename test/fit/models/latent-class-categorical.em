// Latent class analysis with J polytomous items of C categories each: item j of person n is
// Categorical with the class's own probabilities for that item
// (test/peers/discrete/categorical_k3.json).
model latent_class_categorical {
  size N, J
  size K = 3
  size C = 4
  data   x[N][J]: cat[C]
  param  weights: simplex[K]
  param  prob[K][J]: simplex[C]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    for j in J {
      x[n][j] ~ Categorical(prob[z[n]][j])
    }
  }
}
