// Two latents per item: each person carries two hidden alleles drawn from the same allele
// frequencies, and the trait's mean depends on the pair (genotype); enumeration runs over the
// product space of the two alleles.
model two_alleles {
  size N
  size A = 2

  data   x[N]: real

  param  freq: simplex[A]
  param  mu[A][A]: real
  param  sigma: positive

  latent a1[N]: cat[A]
  latent a2[N]: cat[A]

  for n in N {
    a1[n] ~ Categorical(freq)
    a2[n] ~ Categorical(freq)
    x[n] ~ Normal(mu[a1[n]][a2[n]], sigma)
  }
}
