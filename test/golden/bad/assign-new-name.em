// Logistic regression that defines the linear predictor with = instead of let
model logit {
  size N, P
  data   X[N]: real[P]
  data   y[N]: count
  param  beta: real[P]
  for n in N {
    eta = dot(X[n], beta)
    y[n] ~ Bernoulli(logistic(dot(X[n], beta)))
  }
}
