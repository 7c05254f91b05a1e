#!/usr/bin/Rscript
# R references for the Newton / IRLS numeric M-step (packages/runtime/src/numeric/newton.ts):
# test/peers/glm-newton/binomial_glm.json.
#
# Run from the repository root:  Rscript test/peers/glm-newton/make_glm_newton.R
# (Debian r-base-core, r-cran-flexmix). Simulates the data here (set.seed(707)), N = 400, P = 3:
#   x1, x2 ~ Normal(0, 1) rounded to 4 decimals;  m = 5 + (n mod 6) trials;  z ~ Categorical(0.4, 0.6);
#   y ~ Binomial(m, logistic(b[z, 1] + b[z, 2] x1 + b[z, 3] x2)),  b[1,] = (-1, 1, 0.5), b[2,] = (1, -0.5, 1)
# and fits
#  - "glm": one binomial regression (no mixture) by R's glm (IRLS), family = binomial, epsilon = 1e-14,
#    maxit = 100: cbind(y, m - y) ~ x1 + x2;
#  - "mixture": stepFlexmix(cbind(y, m - y) ~ x1 + x2, k = 2, model = FLXMRglm(family = "binomial"),
#    nrep = 30) after set.seed(2025), control tolerance = 1e-10, iter.max = 2000, minprior = 0; the best run
#    continued by flexmix(cluster = posterior(best)) with tolerance = 1e-14. Components sorted by intercept.
# "loglik" is the full observed-data log-likelihood recomputed here with dbinom at the fitted
# parameters; "peer_loglik" is R's own logLik().
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

N <- 400
w_true <- c(0.4, 0.6)
b_true <- rbind(c(-1, 1, 0.5), c(1, -0.5, 1))
set.seed(707)
x1 <- round(rnorm(N), 4)
x2 <- round(rnorm(N), 4)
m <- 5 + (seq_len(N) - 1) %% 6
z <- sample(1:2, N, replace = TRUE, prob = w_true)
X <- cbind(1, x1, x2)
y <- rbinom(N, m, plogis(rowSums(X * b_true[z, ])))
df <- data.frame(y = y, f = m - y, x1 = x1, x2 = x2)

g <- glm(cbind(y, f) ~ x1 + x2, data = df, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
g_beta <- as.numeric(coef(g))
g_ll <- sum(dbinom(y, m, plogis(as.numeric(X %*% g_beta)), log = TRUE))

ctl <- list(tolerance = 1e-10, iter.max = 2000, minprior = 0, verbose = 0)
set.seed(2025)
fits <- stepFlexmix(cbind(y, f) ~ x1 + x2, data = df, k = 2, model = FLXMRglm(family = "binomial"),
  nrep = 30, control = ctl, verbose = FALSE)
best <- if (is(fits, "stepFlexmix")) getModel(fits, "BIC") else fits
stopifnot(best@k == 2)
best <- flexmix(cbind(y, f) ~ x1 + x2, data = df, k = 2, cluster = posterior(best),
  model = FLXMRglm(family = "binomial"),
  control = list(tolerance = 1e-14, iter.max = 5000, minprior = 0, verbose = 0))
stopifnot(best@k == 2)
w <- prior(best)
B <- t(parameters(best))
o <- order(B[, 1])
w <- w[o]
B <- B[o, , drop = FALSE]
lp <- sapply(1:2, function(k) log(w[k]) + dbinom(y, m, plogis(as.numeric(X %*% B[k, ])), log = TRUE))
mx <- apply(lp, 1, max)
loglik <- sum(mx + log(rowSums(exp(lp - mx))))

out <- list(
  kind = "binomial_glm_peer", dataset = "binomial_glm",
  peer = "R glm and flexmix", peer_version = format(packageVersion("flexmix")), r_version = R.version.string,
  generated_by = "Rscript test/peers/glm-newton/make_glm_newton.R",
  notes = list(
    simulation = "set.seed(707); x1, x2 ~ N(0,1) rounded to 4 decimals; m = 5 + (n mod 6); z ~ Cat(0.4, 0.6); y ~ Binomial(m, plogis(X b[z,]))",
    glm = "glm(cbind(y, m - y) ~ x1 + x2, family = binomial), epsilon = 1e-14",
    mixture = "stepFlexmix(k = 2, FLXMRglm(family = 'binomial'), nrep = 30) after set.seed(2025), tolerance 1e-10; best continued with tolerance 1e-14",
    loglik = "full observed-data log-likelihood (dbinom, all constants) recomputed in R; peer_loglik = logLik()",
    label_order = "components sorted by intercept (ascending); beta[k] = (intercept, x1, x2)"
  ),
  data = list(N = N, X = lapply(seq_len(N), function(n) arr(X[n, ])), m = arr(m), y = arr(y)),
  glm = list(beta = arr(g_beta), loglik = g_ll, peer_loglik = as.numeric(logLik(g)), iterations = g$iter),
  mixture = list(weights = arr(w), beta = lapply(1:2, function(k) arr(B[k, ])), loglik = loglik,
    peer_loglik = as.numeric(logLik(best)), iterations = best@iter)
)
writeLines(to_json(out), file.path(here, "binomial_glm.json"))
cat(sprintf("glm %.12f (own %.12f); flexmix %.12f (own %.12f)\n", as.numeric(logLik(g)), g_ll, as.numeric(logLik(best)), loglik))
print(g_beta)
print(w)
print(B)
