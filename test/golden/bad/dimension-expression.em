// Regression with an intercept column written as an arithmetic dimension
model regression {
  size N, P
  data   X[N]: real[P + 1]
  data   y[N]: real
  param  beta: real[P]
  param  s: positive
  for n in N {
    y[n] ~ Normal(dot(X[n], beta), s)
  }
}
