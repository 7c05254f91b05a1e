// Counts from two Poisson sources. The Dirichlet(2) prior on the weights makes the fit MAP-EM
// (it keeps a component from emptying out); the reported objective includes the log prior.
model poisson_mixture_map {
  size N
  size K = 2

  data   y[N]: count

  param  w: simplex[K]
  param  rate[K]: positive

  latent z[N]: cat[K]

  w ~ Dirichlet(2)
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(rate[z[n]])
  }
}
