// Gaussian mixture with conjugate priors: a Dirichlet on the weights and an inverse-Wishart on
// each covariance, so both get closed-form MAP updates.
model gmm_map {
  size N, D
  size K = 3

  data   x[N]: real[D]

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent z[N]: cat[K]

  weights ~ Dirichlet(2)
  for k in K { Sigma[k] ~ InvWishart(D + 2, eye(D)) }
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
