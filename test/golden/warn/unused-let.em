// Logistic regression with a let that nothing uses
model logit {
  size N, P
  data   X[N]: real[P]
  data   y[N]: count
  param  beta: real[P]
  for n in N {
    let eta = dot(X[n], beta)
    y[n] ~ Bernoulli(logistic(dot(X[n], beta)))
  }
}
