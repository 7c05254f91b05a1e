// ABO blood groups: the classic gene-counting EM. Each person carries two alleles (A, B or O),
// drawn independently with frequencies p (Hardy–Weinberg); only the phenotype is observed.
// The two alleles are latent and enumerated jointly (a product space of 3 × 3 genotypes); a
// fixed 0/1 table, given as data, maps each genotype to its phenotype.
model abo {
  size N
  size A = 3                     // alleles: 0 = A, 1 = B, 2 = O
  size P = 4                     // phenotypes: 0 = A, 1 = B, 2 = AB, 3 = O

  data   y[N]: cat[P]            // the phenotype of each person
  data   pheno[A][A]: simplex[P] // row [a1][a2]: the phenotype of genotype a1/a2, as a 0/1 vector

  param  p: simplex[A]           // allele frequencies

  latent a1[N]: cat[A]
  latent a2[N]: cat[A]

  for n in N {
    a1[n] ~ Categorical(p)
    a2[n] ~ Categorical(p)
    y[n] ~ Categorical(pheno[a1[n]][a2[n]])
  }
}
