// Regression that calls a distribution inside an expression
model regression {
  size N
  data   x[N]: real
  data   y[N]: real
  param  a: real
  param  s: positive
  for n in N { y[n] ~ Normal(a * x[n] + Normal(0, 1), s) }
}
