// Poisson model that tries to give the number of observations a distribution
model poisson {
  size N
  data   y[N]: count
  param  rate: positive
  N ~ Poisson(100)
  for n in N { y[n] ~ Poisson(rate) }
}
