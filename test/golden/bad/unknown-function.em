// Multinomial logit with a misspelled softmax
model mlogit {
  size N, P
  size K = 3
  data   X[N]: real[P]
  data   y[N]: cat[K]
  param  B: real[K, P]
  for n in N { y[n] ~ Categorical(sofmax(B * X[n])) }
}
