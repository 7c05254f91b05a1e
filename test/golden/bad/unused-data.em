// Regression that declares a data column but never uses it
model regression {
  size N
  data   x[N]: real
  data   w[N]: positive
  data   y[N]: real
  param  a: real
  param  b: real
  param  s: positive
  for n in N { y[n] ~ Normal(a + b * x[n], s) }
}
