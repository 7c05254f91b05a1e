// Model that states two distributions for the same observations
model twice {
  size N
  data   y[N]: real
  param  mu: real
  param  s: positive
  param  nu: positive
  for n in N { y[n] ~ Normal(mu, s) }
  for n in N { y[n] ~ StudentT(nu, mu, s) }
}
