// Benchmark workload: a Gaussian HMM with a full covariance per state over several sequences
// (the peers' hmm_gauss: hand-written numpy Baum-Welch, pomegranate HiddenMarkovModel).
model bench_hmm_gauss {
  size S                        // sequences
  size T[S]                     // steps in each sequence
  size D, K

  data   y[S][T]: real[D]

  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent state[S][T]: cat[K]

  for s in S {
    state[s][0] ~ Categorical(init)
    for t in 1..T[s] { state[s][t] ~ Categorical(trans[state[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ MvNormal(mu[state[s][t]], Sigma[state[s][t]]) }
  }
}
