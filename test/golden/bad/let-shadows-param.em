// Regression where a let reuses the name of a param
model regression {
  size N, P
  data   X[N]: real[P]
  data   y[N]: real
  param  beta: real[P]
  param  mu: real
  param  s: positive
  for n in N {
    let mu = mu + dot(X[n], beta)
    y[n] ~ Normal(mu, s)
  }
}
