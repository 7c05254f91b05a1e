// Gaussian mixture with a normal-inverse-Wishart prior on each component (mean and covariance
// jointly) and a Dirichlet on the weights: every update is a closed-form MAP.
model gmm_niw {
  size N, D
  size K = 3

  data   x[N]: real[D]

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent z[N]: cat[K]

  weights ~ Dirichlet(2)
  for k in K {
    Sigma[k] ~ InvWishart(D + 2, eye(D))
    mu[k] ~ MvNormal(zeros(D), Sigma[k] / 0.01)
  }
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
