// Benchmark workload: a discrete HMM (categorical emissions) over one long sequence (the
// peers' hmm_disc: pomegranate HiddenMarkovModel with DiscreteDistribution emissions).
model bench_hmm_disc {
  size S                        // sequences
  size T[S]                     // steps in each sequence
  size K, M

  data   y[S][T]: cat[M]

  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]

  latent state[S][T]: cat[K]

  for s in S {
    state[s][0] ~ Categorical(init)
    for t in 1..T[s] { state[s][t] ~ Categorical(trans[state[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ Categorical(emit[state[s][t]]) }
  }
}
