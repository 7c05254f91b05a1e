#!/usr/bin/Rscript
# From the project's shared benchmark kit (../shared/bench/peers/run_mclust.R), copied unchanged
# below this line so a clean clone can run `pnpm bench`.
# R mclust EM with the same fixed initial parameters and a fixed iteration count.
# usage: run_mclust.R data/NAME.f64 [VVV|VVI] [iters] [repeats]
#  VVV (full covariance): em(modelName="VVV", parameters=init) = 1 E-step + me() loop
#  VVI (diagonal):        estep("VVV", init with diagonal sigma) then me("VVI", z)
# control$tol = -1 (built by hand; emControl() refuses negative tol) so the
# Fortran loop never stops early: exactly `iters` M+E passes.
suppressPackageStartupMessages({library(mclust); library(jsonlite)})
load0 <- as.numeric(strsplit(readLines("/proc/loadavg"), " ")[[1]][1])
a <- commandArgs(trailingOnly = TRUE)
path <- a[1]; modelName <- if (length(a) >= 2) a[2] else "VVV"
iters <- if (length(a) >= 3) as.integer(a[3]) else 100L
repeats <- if (length(a) >= 4) as.integer(a[4]) else 3L
base <- sub("\\.f64$", "", path)
hdr <- fromJSON(paste0(base, ".json")); init <- fromJSON(paste0(base, ".init.json"))
n <- hdr$shape[1]; d <- hdr$shape[2]
X <- matrix(readBin(paste0(base, ".f64"), "double", n = n * d, size = 8, endian = "little"),
            nrow = n, ncol = d, byrow = TRUE)
G <- length(init$weights)
sig <- array(0, c(d, d, G))
for (k in 1:G) {
  if (modelName == "VVV") sig[, , k] <- matrix(unlist(init$covariances_full[k, , ]), d, d)
  else sig[, , k] <- diag(as.numeric(init$covariances_diag[k, ]), d)
}
par0 <- list(pro = as.numeric(init$weights), mean = t(as.matrix(init$means)),
             variance = list(modelName = "VVV", d = d, G = G, sigma = sig,
                             cholsigma = array(apply(sig, 3, chol), c(d, d, G))))
mkctrl <- function(it) list(eps = .Machine$double.eps, tol = c(-1, -1),
                           itmax = c(it, .Machine$integer.max), equalPro = FALSE)
fit1 <- function(it) {
  ctrl <- mkctrl(it)
  if (modelName == "VVV") em(data = X, modelName = "VVV", parameters = par0, control = ctrl, warn = TRUE)
  else {
    z <- estep(data = X, modelName = "VVV", parameters = par0)$z
    me(data = X, modelName = modelName, z = z, control = ctrl, warn = TRUE)
  }
}
timeit <- function(it) {
  secs <- numeric(repeats)
  for (r in 1:repeats) { t0 <- proc.time()[["elapsed"]]; res <- fit1(it); secs[r] <- proc.time()[["elapsed"]] - t0 }
  list(secs = secs, res = res)
}
tm <- timeit(iters); secs <- tm$secs; res <- tm$res
its <- attr(res, "info")[["iterations"]]  # negative when the itmax limit was hit
# mclust's Fortran clamps tol to >= 0 (tol = max(tol, 0)) and stops once the loglik
# change is exactly 0, i.e. converged to machine precision: per-iteration time then
# uses the iterations actually run.
its <- if (is.null(its)) iters else abs(as.integer(its))
med <- median(secs)
marg <- if (its > 1) (med - median(timeit(1L)$secs)) / (its - 1) else NA
th <- Sys.getenv("OMP_NUM_THREADS", Sys.getenv("OPENBLAS_NUM_THREADS", ""))
blas <- tryCatch(sessionInfo()$BLAS, error = function(e) "unknown")
out <- list(peer = paste0("R-mclust-", packageVersion("mclust")), model = paste0("gmm_", modelName),
            dataset = hdr$name, n = n, d = d, k = G, iters = its, iters_requested = iters,
            seconds_total = med, seconds_per_iter = med / its, seconds_per_iter_marginal = marg, final_loglik = res$loglik,
            threads = if (th == "") NULL else as.integer(th), repeat_seconds = secs,
            blas = blas, R = R.version.string, load1_at_start = load0,
            note = "elapsed of em()/estep+me(); loglik = mclust's loglik after the last M-step")
cat(toJSON(out, auto_unbox = TRUE, digits = NA), "\n")
