// Random-effects model whose random effect is declared as a count
model random_effects {
  size G, N
  data   group[N]: cat[G]
  data   y[N]: real
  param  mu: real
  param  tau: positive
  param  s: positive
  latent b[G]: count
  for g in G { b[g] ~ Normal(0, tau) }
  for n in N { y[n] ~ Normal(mu + b[group[n]], s) }
}
