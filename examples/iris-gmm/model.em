// Iris: four flower measurements, clustered without the species labels by a three-component
// Gaussian mixture with a full covariance per component.
model iris_gmm {
  size N, D
  size K = 3

  data   x[N]: real[D]          // sepal length, sepal width, petal length, petal width (cm)

  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]

  latent species[N]: cat[K]

  for n in N {
    species[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[species[n]], Sigma[species[n]])
  }
}
