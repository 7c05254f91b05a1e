// HMM whose ragged lengths refer to a misspelled size
model hmm {
  size Seq, K, M
  size T[Sq]
  data   y[Seq][T]: cat[M]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]
  latent h[Seq][T]: cat[K]
  for s in Seq {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }
    for t in T[s] { y[s][t] ~ Categorical(emit[h[s][t]]) }
  }
}
