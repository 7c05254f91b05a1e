// Genetic linkage as Dempster, Laird & Rubin (1977) wrote its EM: the first of the four observed
// classes merges two hidden sub-classes with probabilities 1/2 and θ/4. The sub-class z[n] is
// latent; a fixed 0/1 table, given as data, maps each sub-class to the class that is observed.
model genetic_linkage_em {
  size N
  size J = 5                    // hidden sub-classes
  size C = 4                    // observed classes

  data   y[N]: cat[C]
  data   merge[J]: simplex[C]   // row j: the observed class of sub-class j, as a 0/1 vector

  param  theta: prob

  latent z[N]: cat[J]

  for n in N {
    z[n] ~ Categorical([0.5, theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4])
    y[n] ~ Categorical(merge[z[n]])
  }
}
