// A K-component binomial mixture with the number of trials given as data
// (test/peers/discrete/binomial_k3.json).
model binomial_mixture {
  size N
  size K = 3
  data   x[N]: count
  data   trials: count
  param  weights: simplex[K]
  param  prob[K]: prob
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ Binomial(trials, prob[z[n]])
  }
}
