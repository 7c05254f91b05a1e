// Genetic linkage; '2(1 - theta)' was meant as '2 * (1 - theta)'
model linkage {
  size N
  data   y[N]: cat[3]
  param  theta: prob
  for n in N {
    y[n] ~ Categorical([theta / 2, 2(1 - theta) / 4, 1 - theta / 2 - (1 - theta) / 2])
  }
}
