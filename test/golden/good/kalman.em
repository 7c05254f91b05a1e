// Linear-Gaussian state-space model (Kalman filter and smoother): a latent state chain with
// linear dynamics, observed through a linear map with Gaussian noise.
model kalman {
  size T, D
  size L = 2

  data   x[T]: real[D]

  param  m0: real[L]
  param  A: real[L, L]
  param  Q: cov[L]
  param  C: real[D, L]
  param  R: cov[D]

  latent f[T]: real[L]

  f[0] ~ MvNormal(m0, eye(L))
  for t in 1..T { f[t] ~ MvNormal(A * f[t - 1], Q) }
  for t in T { x[t] ~ MvNormal(C * f[t], R) }
}
