// Genetic linkage (Rao 1973; Dempster, Laird & Rubin 1977): four phenotype classes with
// probabilities built from one parameter theta; no latent variables, theta is updated numerically.
model genetic_linkage {
  size N

  data   y[N]: cat[4]

  param  theta: prob

  for n in N {
    y[n] ~ Categorical([0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4])
  }
}
