// A mixture of two logistic regressions: each person belongs to one of two hidden groups that
// answer yes (1) or no (0) with their own coefficients. The E-step is exact; the M-step has no
// closed form and is numeric (a generalized-EM step).
model mixture_logistic {
  size N, P
  size K = 2

  data   X[N]: real[P]          // [1 (intercept), x1, x2]
  data   y[N]: count            // 0 or 1

  param  w: simplex[K]
  param  beta[K]: real[P]

  latent z[N]: cat[K]

  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))
  }
}
