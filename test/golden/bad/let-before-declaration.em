// Logistic regression that uses the linear predictor before defining it
model logit {
  size N, P
  data   X[N]: real[P]
  data   y[N]: count
  param  beta: real[P]
  for n in N {
    y[n] ~ Bernoulli(logistic(eta))
    let eta = dot(X[n], beta)
  }
}
