// Logistic regression that forgets the logistic link
model logit {
  size N, P
  data   X[N]: real[P]
  data   y[N]: count
  param  beta: real[P]
  for n in N { y[n] ~ Bernoulli(dot(X[n], beta)) }
}
