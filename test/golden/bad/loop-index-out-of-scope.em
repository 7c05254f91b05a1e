// Poisson regression; the loop index is used after its loop has ended
model poisreg {
  size N
  data   y[N]: count
  data   exposure[N]: positive
  param  rate: positive
  for n in N {
    y[n] ~ Poisson(rate * exposure[n])
  }
  rate ~ Gamma(1, exposure[n])
}
