// Mixture of binomials: y[n] successes out of trials[n] (given as data), with a success
// probability that depends on the hidden class.
model binomial_mixture {
  size N
  size K = 2

  data   trials[N]: count
  data   y[N]: count

  param  w: simplex[K]
  param  p[K]: prob

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Binomial(trials[n], p[z[n]])
  }
}
