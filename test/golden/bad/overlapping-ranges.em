// Autoregression whose first observation is covered by both statements
model ar {
  size T
  data   y[T]: real
  param  phi: real
  param  s: positive
  y[0] ~ Normal(0, s)
  for t in T { y[t] ~ Normal(phi * y[t - 1], s) }
}
