// HMM that forgets the distribution of each sequence's first state
model hmm {
  size S, K, M
  size T[S]
  data   y[S][T]: cat[M]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]
  latent h[S][T]: cat[K]
  for s in S {
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }
    for t in T[s] { y[s][t] ~ Categorical(emit[h[s][t]]) }
  }
}
