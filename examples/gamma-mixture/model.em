// Positive durations from K = 2 Gamma sources with unknown shapes, rates and weights. Gamma's
// shape has no closed-form update, but the shape and rate of one component together have an
// exact weighted MLE (Minka's Newton iteration), which the runtime uses as the M-step: EM stays exact.
model gamma_mixture {
  size N
  size K = 2

  data   y[N]: positive

  param  w: simplex[K]
  param  shape[K]: positive
  param  rate[K]: positive

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Gamma(shape[z[n]], rate[z[n]])
  }
}
