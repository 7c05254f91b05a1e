// Genetic linkage with four categories but a three-entry probability vector
model linkage {
  size N
  size K = 4
  data   x[N]: cat[K]
  param  theta: prob
  for n in N {
    x[n] ~ Categorical([0.5 + theta/4, (1 - theta)/2, theta/4])
  }
}
