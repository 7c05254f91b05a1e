// A Gaussian hidden Markov model: three hidden regimes, each emitting a 2-D observation from
// its own multivariate normal (full covariance), over several sequences of different lengths.
model hmm_gaussian {
  size S                        // sequences
  size T[S]                     // steps in each sequence
  size D = 2                    // dimension of an observation
  size K = 3                    // hidden regimes

  data   y[S][T]: real[D]

  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent regime[S][T]: cat[K]

  for s in S {
    regime[s][0] ~ Categorical(init)
    for t in 1..T[s] { regime[s][t] ~ Categorical(trans[regime[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ MvNormal(mu[regime[s][t]], Sigma[regime[s][t]]) }
  }
}
