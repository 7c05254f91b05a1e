// HMM whose observations use the ragged length under the wrong outer size
model hmm {
  size S, K, M, N
  size T[S]
  data   y[N][T]: cat[M]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }
    for t in T[s] { y[s][t] ~ Categorical(emit[h[s][t]]) }
  }
}
