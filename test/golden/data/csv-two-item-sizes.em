// Two data arrays over different sizes: no single row per item
model two_sizes {
  size N, M
  data   x[N]: real
  data   y[M]: real
  param  mu: real
  param  sigma: positive
  for n in N { x[n] ~ Normal(mu, sigma) }
  for m in M { y[m] ~ Normal(mu, sigma) }
}
