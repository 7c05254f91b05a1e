// The dishonest casino (Durbin, Eddy, Krogh & Mitchison 1998): the casino secretly switches
// between a fair die and a loaded one; only the rolls are seen. A two-state discrete HMM fitted
// to several sequences of different lengths.
model dishonest_casino {
  size S                        // sequences
  size T[S]                     // rolls in each sequence
  size K = 2                    // hidden dice: fair, loaded
  size M = 6                    // faces 1 … 6, written 0 … 5

  data   y[S][T]: cat[M]

  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]

  latent die[S][T]: cat[K]

  for s in S {
    die[s][0] ~ Categorical(init)
    for t in 1..T[s] { die[s][t] ~ Categorical(trans[die[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ Categorical(emit[die[s][t]]) }
  }
}
