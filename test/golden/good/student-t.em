// Multivariate Student-t as a scale mixture of normals: a latent Gamma precision u[n] scales
// the covariance; the degrees of freedom nu are given as data.
model student_t {
  size N, D

  data   nu: positive
  data   x[N]: real[D]

  param  mu: real[D]
  param  Sigma: cov[D]

  latent u[N]: positive

  for n in N {
    u[n] ~ Gamma(nu / 2, nu / 2)
    x[n] ~ MvNormal(mu, Sigma / u[n])
  }
}
