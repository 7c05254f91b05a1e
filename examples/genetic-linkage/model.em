// Genetic linkage (Rao 1973), the first example of Dempster, Laird & Rubin (1977): 197 animals
// fall into four phenotype classes with probabilities 1/2 + θ/4, (1 − θ)/4, (1 − θ)/4, θ/4.
// Each animal's class is one categorical observation; the probability vector is built from θ.
model genetic_linkage {
  size N

  data   y[N]: cat[4]

  param  theta: prob

  for n in N {
    y[n] ~ Categorical([0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4])
  }
}
