// Hidden Markov model over sequences in long CSV form: a row per step, a seq column
model hmm {
  size S, K, M
  size T[S]
  data   y[S][T]: cat[M]
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
