// Poisson regression with an identity link: the rate can go negative
model poisreg {
  size N
  data   x[N]: real
  data   y[N]: count
  param  a: real
  param  b: real
  for n in N { y[n] ~ Poisson(a + b * x[n]) }
}
