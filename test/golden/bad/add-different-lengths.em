// Regression with an offset vector of the wrong length
model regression {
  size N, D, P
  data   x[N]: real[D]
  data   offset: real[P]
  param  mu: real[D]
  param  s: positive
  for n in N { x[n] ~ Normal(mu + offset, s) }
}
