// Poisson model with a param that appears only in its own prior
model poisson {
  size N
  data   y[N]: count
  param  rate: positive
  param  beta: real
  beta ~ Normal(0, 1)
  for n in N { y[n] ~ Poisson(rate) }
}
