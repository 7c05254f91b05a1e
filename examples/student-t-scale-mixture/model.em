// A multivariate Student-t written as a scale mixture of normals: each point has a latent
// precision scale u[n] ~ Gamma(ν/2, ν/2), and given u[n] it is normal with covariance Σ / u[n].
// Heavy tails make the fitted mean and scatter robust to outliers. ν is given as data.
model student_t_scale_mixture {
  size N, D

  data   nu: positive           // degrees of freedom
  data   x[N]: real[D]

  param  mu: real[D]
  param  Sigma: cov[D]

  latent u[N]: positive

  for n in N {
    u[n] ~ Gamma(nu / 2, nu / 2)
    x[n] ~ MvNormal(mu, Sigma / u[n])
  }
}
