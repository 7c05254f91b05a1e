// Poisson model that fixes its rate by assignment
model poisson {
  size N
  data   y[N]: count
  param  rate: positive
  rate = 2.5
  for n in N { y[n] ~ Poisson(rate) }
}
