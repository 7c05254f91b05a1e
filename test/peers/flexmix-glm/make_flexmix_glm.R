#!/usr/bin/Rscript
# R flexmix reference for a mixture of Poisson regressions: test/peers/flexmix-glm/poisson_glm_k2.json.
#
# Run from the repository root:  Rscript test/peers/flexmix-glm/make_flexmix_glm.R
# (Debian r-cran-flexmix). Simulates the data here (set.seed(606)), N = 500, K = 2, P = 3:
#   x1, x2 ~ Normal(0, 1);  z ~ Categorical(0.35, 0.65);
#   y ~ Poisson(exp(b[z, 1] + b[z, 2] x1 + b[z, 3] x2)),  b[1,] = (0.5, 1.0, -0.5), b[2,] = (2.0, -0.3, 0.4)
# and fits  stepFlexmix(y ~ x1 + x2, k = 2, model = FLXMRglm(family = "poisson"), nrep = 50)
# (set.seed(2024); flexmix's random initial partitions), control: tolerance = 1e-10 (relative change of
# the log-likelihood), iter.max = 2000, minprior = 0; the best run is then continued by flexmix from
# its posteriors with tolerance = 1e-14 (parameters move by ~1e-6). The best fit (largest logLik) is stored with its
# components sorted by intercept. "loglik" is the full observed-data log-likelihood recomputed here
# with dpois at the flexmix parameters; "peer_loglik" is flexmix's logLik(). X is stored with its
# intercept column, as the emforge model reads it (examples/poisson-regression-mixture/data.json).
suppressPackageStartupMessages({
  library(flexmix)
  library(jsonlite)
})
args0 <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args0[grep("^--file=", args0)])))

num <- function(x) vapply(x, function(v) {
  for (d in 15:17) {
    s <- sprintf(paste0("%.", d, "g"), v)
    if (as.numeric(s) == v) break
  }
  s
}, "")
to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 1)
  end <- strrep(" ", indent)
  if (is.list(x)) {
    items <- vapply(x, to_json, "", indent = indent + 1)
    if (!is.null(names(x))) {
      keys <- vapply(names(x), function(n) toJSON(n, auto_unbox = TRUE), "")
      return(paste0("{\n", paste0(pad, keys, ": ", items, collapse = ",\n"), "\n", end, "}"))
    }
    return(paste0("[\n", paste0(pad, items, collapse = ",\n"), "\n", end, "]"))
  }
  s <- if (is.character(x)) vapply(x, function(v) toJSON(v, auto_unbox = TRUE), "")
  else if (is.logical(x)) ifelse(x, "true", "false")
  else num(as.double(x))
  if (length(x) == 1 && is.null(attr(x, "array"))) return(unname(s))
  paste0("[", paste(s, collapse = ", "), "]")
}
arr <- function(x) structure(as.double(x), array = TRUE)

N <- 500
w_true <- c(0.35, 0.65)
b_true <- rbind(c(0.5, 1.0, -0.5), c(2.0, -0.3, 0.4))
set.seed(606)
x1 <- round(rnorm(N), 4)
x2 <- round(rnorm(N), 4)
z <- sample(1:2, N, replace = TRUE, prob = w_true)
X <- cbind(1, x1, x2)
y <- rpois(N, exp(rowSums(X * b_true[z, ])))
df <- data.frame(y = y, x1 = x1, x2 = x2)

RESTARTS <- 50
ctl <- list(tolerance = 1e-10, iter.max = 2000, minprior = 0, verbose = 0)
set.seed(2024)
fits <- stepFlexmix(y ~ x1 + x2, data = df, k = 2, model = FLXMRglm(family = "poisson"),
  nrep = RESTARTS, control = ctl, verbose = FALSE)
# With a single k, stepFlexmix returns the best of the nrep runs (largest logLik) itself.
best <- if (is(fits, "stepFlexmix")) getModel(fits, "BIC") else fits
stopifnot(best@k == 2)
step_ll <- as.numeric(logLik(best))
step_iter <- best@iter
# Continue EM from the best run's posteriors with a tighter tolerance (flexmix's own EM, started
# from those posteriors), so the stored parameters are converged well beyond the 1e-4 compared.
best <- flexmix(y ~ x1 + x2, data = df, k = 2, cluster = posterior(best), model = FLXMRglm(family = "poisson"),
  control = list(tolerance = 1e-14, iter.max = 5000, minprior = 0, verbose = 0))
stopifnot(best@k == 2)

w <- prior(best)
B <- t(parameters(best))      # K x P: rows components, columns (Intercept), x1, x2
o <- order(B[, 1])
w <- w[o]
B <- B[o, , drop = FALSE]
lp <- sapply(1:2, function(k) log(w[k]) + dpois(y, exp(as.numeric(X %*% B[k, ])), log = TRUE))
m <- apply(lp, 1, max)
loglik <- sum(m + log(rowSums(exp(lp - m))))
peer_ll <- as.numeric(logLik(best))

out <- list(
  kind = "poisson_glm_mixture_peer", dataset = "poisson_glm_k2",
  peer = "flexmix", peer_version = format(packageVersion("flexmix")), r_version = R.version.string,
  generated_by = "Rscript test/peers/flexmix-glm/make_flexmix_glm.R",
  notes = list(
    simulation = "set.seed(606); x1, x2 ~ N(0,1) rounded to 4 decimals; z ~ Cat(0.35, 0.65); y ~ Poisson(exp(X b[z,]))",
    driver = "stepFlexmix(y ~ x1 + x2, k = 2, model = FLXMRglm(family = 'poisson'), nrep = 50) after set.seed(2024); control tolerance = 1e-10, iter.max = 2000, minprior = 0; best run continued by flexmix(cluster = posterior(best)) with tolerance = 1e-14",
    loglik = "full observed-data log-likelihood (dpois, all constants) recomputed in R at the flexmix parameters; peer_loglik = flexmix logLik()",
    label_order = "components sorted by intercept (ascending); beta[k] = (intercept, x1, x2)"
  ),
  truth = list(weights = arr(w_true), beta = lapply(1:2, function(k) arr(b_true[k, ]))),
  data = list(N = N, X = lapply(seq_len(N), function(n) arr(X[n, ])), y = arr(y)),
  best = list(weights = arr(w), beta = lapply(1:2, function(k) arr(B[k, ])), loglik = loglik,
    peer_loglik = peer_ll, iterations = best@iter),
  step_flexmix = list(peer_loglik = step_ll, iterations = step_iter, restarts = RESTARTS)
)
writeLines(to_json(out), file.path(here, "poisson_glm_k2.json"))
cat(sprintf("flexmix best %.12f (own %.12f), weights %s\n", peer_ll, loglik, paste(format(w), collapse = " ")))
print(B)
