// Log-normal data written with the exp function instead of a distribution
model lognormal {
  size N
  data   y[N]: positive
  param  mu: real
  param  s: positive
  for n in N { y[n] ~ exp(mu) }
}
