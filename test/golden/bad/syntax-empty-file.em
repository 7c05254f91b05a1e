// Gaussian mixture: to be written
