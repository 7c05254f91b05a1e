// Change-point model that tries to estimate the change point as a param
model changepoint {
  size T
  data   y[T]: count
  param  early: positive
  param  late: positive
  param  tau: count
  for t in T { y[t] ~ Poisson(early + late) }
}
