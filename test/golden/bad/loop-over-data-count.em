// Model that loops over a count given as data instead of a size
model poisson {
  size N
  data   nobs: count
  data   y[N]: count
  param  rate: positive
  for n in nobs { y[n] ~ Poisson(rate) }
}
