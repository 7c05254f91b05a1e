// A mixture of two bivariate Student-t distributions (McLachlan & Peel 2000, ch. 7): each point
// belongs to component z[n] and, given it, is t-distributed with that component's location,
// scale matrix and degrees of freedom. ν is known per component (given as data), so the
// E-step is closed form (responsibilities, and each point's expected precision
// E[u[n] | x[n], k] = (ν_k + D) / (ν_k + δ²)) and so is the M-step.
model t_mixture {
  size N, D
  size K = 2

  data   nu[K]: positive          // degrees of freedom of each component
  data   x[N]: real[D]

  param  w: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ MvStudentT(nu[z[n]], mu[z[n]], Sigma[z[n]])
  }
}
