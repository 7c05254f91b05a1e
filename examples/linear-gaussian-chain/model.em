// Linear-Gaussian state-space model (a linear dynamical system): a two-dimensional latent
// state rotates and decays from step to step and is seen through three noisy sensors. Several
// sequences of different lengths; the E-step is a Kalman filter and RTS smoother.
model linear_gaussian_chain {
  size S, D
  size L = 2                    // state dimension
  size T[S]                     // sequence lengths

  data   x[S][T]: real[D]

  param  A: real[L, L]          // state transition
  param  Q: cov[L]              // transition noise
  param  C: real[D, L]          // observation matrix
  param  R: cov[D]              // observation noise
  param  m0: real[L]            // initial state mean
  param  P0: cov[L]             // initial state covariance

  latent f[S][T]: real[L]

  for s in S {
    f[s][0] ~ MvNormal(m0, P0)
    for t in 1..T[s] { f[s][t] ~ MvNormal(A * f[s][t - 1], Q) }
    for t in T[s] { x[s][t] ~ MvNormal(C * f[s][t], R) }
  }
}
