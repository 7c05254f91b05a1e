// Hidden Markov model with multivariate Gaussian emissions over several sequences of different
// lengths (a regime-switching model).
model hmm_gaussian {
  size S, D
  size T[S]
  size K = 3

  data   x[S][T]: real[D]

  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent h[S][T]: cat[K]

  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T[s] { x[s][t] ~ MvNormal(mu[h[s][t]], Sigma[h[s][t]]) }
  }
}
