#!/usr/bin/Rscript
# R mclust model selection on Old Faithful: test/peers/select/old_faithful.mclust.json.
#
# Run from anywhere:  Rscript test/peers/select/make_mclust_select.R
# (Debian r-base-core + r-cran-mclust.)
#
# Fits mclust's VVV model (one full covariance per component: the example's model.em) for
# G = 1..4 on examples/old-faithful-gmm/data.json, as `emforge select … --size K=1..4` does, and
# stores per G: mclust's log-likelihood, its number of free parameters (df) and its BIC in
# mclust's sign convention (2·logLik − df·ln n, higher is better), plus our convention
# (−2·logLik + df·ln n, lower is better: `bic_lower`) and mclust's chosen G. mclust starts EM
# from its model-based hierarchical agglomeration, deterministically (no seed involved).
# The log-likelihood is also recomputed in base R at mclust's parameters (`loglik_check`),
# independently of mclust's Fortran, and the parameters are stored (`params`, in the shapes of
# the example's model: weights[K], mu[K][D], Sigma[K][D][D]) so a test can start EM there.
suppressPackageStartupMessages({
  library(mclust)
  library(jsonlite)
})

args0 <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args0[grep("^--file=", args0)])))
root <- normalizePath(file.path(here, "..", "..", ".."))
X <- do.call(rbind, fromJSON(file.path(root, "examples", "old-faithful-gmm", "data.json"), simplifyVector = FALSE)$x |>
  lapply(function(r) as.double(unlist(r))))
n <- nrow(X)

num <- function(v) {
  if (!is.finite(v)) stop("non-finite number in fixture")
  for (d in 15:17) {
    s <- sprintf(paste0("%.", d, "g"), v)
    if (as.numeric(s) == v) break
  }
  s
}

loglik <- function(pro, mu, sig) { # mu: d x G, sig: d x d x G
  G <- length(pro)
  lp <- sapply(seq_len(G), function(k) {
    R <- chol(sig[, , k])
    z <- backsolve(R, t(X) - mu[, k], transpose = TRUE)
    log(pro[k]) - sum(log(diag(R))) - 0.5 * ncol(X) * log(2 * pi) - 0.5 * colSums(z^2)
  })
  lp <- matrix(lp, nrow = n)
  m <- apply(lp, 1, max)
  sum(m + log(rowSums(exp(lp - m))))
}

# EM run to a tight tolerance (mclust's default, 1e-5 relative, stops ~1e-2 short of the optimum
# for G = 3, 4), so that the stored log-likelihood is the optimum's; the default choice is stored too.
control <- emControl(tol = c(1e-12, sqrt(.Machine$double.eps)), itmax = c(100000L, 100000L))
fit <- Mclust(X, G = 1:4, modelNames = "VVV", control = control, verbose = FALSE)
default_fit <- Mclust(X, G = 1:4, modelNames = "VVV", verbose = FALSE)
rows <- lapply(1:4, function(G) {
  m <- Mclust(X, G = G, modelNames = "VVV", control = control, verbose = FALSE)
  p <- m$parameters
  sig <- array(p$variance$sigma, dim = c(ncol(X), ncol(X), G))
  mu <- matrix(p$mean, nrow = ncol(X))
  vec <- function(v) paste0("[", paste(vapply(as.double(v), num, ""), collapse = ", "), "]")
  params <- sprintf(
    '{ "weights": %s, "mu": [%s], "Sigma": [%s] }',
    vec(p$pro),
    paste(vapply(seq_len(G), function(k) vec(mu[, k]), ""), collapse = ", "),
    paste(vapply(seq_len(G), function(k) paste0("[", paste(vapply(seq_len(ncol(X)), function(i) vec(sig[i, , k]), ""), collapse = ", "), "]"), ""), collapse = ", ")
  )
  sprintf(
    '    { "K": %d, "loglik": %s, "loglik_check": %s, "df": %d, "bic_mclust": %s, "bic_lower": %s,\n      "params": %s }',
    G, num(m$loglik), num(loglik(p$pro, mu, sig)), as.integer(m$df), num(m$bic), num(-m$bic), params
  )
})
json <- paste0(
  "{\n",
  '  "kind": "select",\n',
  '  "data": "examples/old-faithful-gmm/data.json",\n',
  '  "peer": "mclust",\n',
  sprintf('  "peer_version": "%s",\n', format(packageVersion("mclust"))),
  sprintf('  "r_version": "%s",\n', R.version.string),
  '  "model": "VVV",\n',
  sprintf('  "n": %d,\n', n),
  sprintf('  "best_K": %d,\n', fit$G),
  sprintf('  "best_K_default_control": %d,\n', default_fit$G),
  '  "control": "emControl(tol = c(1e-12, sqrt(.Machine$double.eps)), itmax = 1e5)",\n',
  '  "rows": [\n', paste(unlist(rows), collapse = ",\n"), "\n  ]\n}\n"
)
target <- file.path(here, "old_faithful.mclust.json")
temp <- paste0(target, ".tmp")
writeLines(json, temp, sep = "")
invisible(file.rename(temp, target))
cat("wrote", target, "\n")
