#!/usr/bin/Rscript
# R flexmix reference for the discrete mixtures: test/peers/discrete/<name>.flexmix.json.
#
# Run from the repository root after make_numpy.py:  Rscript test/peers/discrete/make_flexmix.R
# (Debian r-cran-flexmix). Reads the data from <name>.json (written by make_numpy.py).
#
#   poisson_k3    flexmix(x ~ 1, k = 3, model = FLXMCmvpois())
#   bernoulli_k3  flexmix(x ~ 1, k = 3, model = FLXMCmvbinary())     (x: N x 8 0/1 matrix)
#   binomial_k3   flexmix(cbind(x, trials - x) ~ 1, k = 3, model = FLXMRglm(family = "binomial"))
# 50 restarts (flexmix's own random initial partition, set.seed(2024)), control: iter.max = 20000,
# tolerance = 1e-13 (relative change of the log-likelihood), minprior = 0 (never drop a component).
# The best fit (largest logLik) is stored with its components sorted as in the numpy fixture.
# "loglik" is recomputed here with dpois/dbinom (full log-likelihood, all constants) at the
# flexmix parameters; "peer_loglik" is flexmix's logLik(). The categorical mixture has no flexmix
# driver (no multinomial-item model in flexmix) and is covered by the numpy reference only.
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

RESTARTS <- 50
ctl <- list(iter.max = 20000, tolerance = 1e-13, minprior = 0, verbose = 0)

lse_rows <- function(lp) {
  m <- apply(lp, 1, max)
  sum(m + log(rowSums(exp(lp - m))))
}

fit_one <- function(family, df) {
  switch(family,
    poisson = flexmix(x ~ 1, data = df, k = 3, model = FLXMCmvpois(), control = ctl),
    bernoulli = flexmix(x ~ 1, data = df, k = 3, model = FLXMCmvbinary(), control = ctl),
    binomial = flexmix(cbind(x, trials - x) ~ 1, data = df, k = 3, model = FLXMRglm(family = "binomial"), control = ctl)
  )
}

params_of <- function(family, fit, x, trials) {
  w <- prior(fit)
  p <- parameters(fit)
  if (family == "poisson") {
    lam <- as.numeric(p)
    o <- order(lam)
    lp <- sapply(1:3, function(k) log(w[k]) + dpois(x, lam[k], log = TRUE))
    return(list(weights = arr(w[o]), rates = arr(lam[o]), loglik = lse_rows(lp)))
  }
  if (family == "binomial") {
    pr <- plogis(as.numeric(p))
    o <- order(pr)
    lp <- sapply(1:3, function(k) log(w[k]) + dbinom(x, trials, pr[k], log = TRUE))
    return(list(weights = arr(w[o]), probs = arr(pr[o]), loglik = lse_rows(lp)))
  }
  # bernoulli: p is J x K
  o <- order(-w)
  lp <- sapply(1:3, function(k) log(w[k]) + as.numeric(x %*% log(p[, k]) + (1 - x) %*% log1p(-p[, k])))
  list(weights = arr(w[o]), probs = lapply(o, function(k) arr(p[, k])), loglik = lse_rows(lp))
}

for (name in c("poisson_k3", "bernoulli_k3", "binomial_k3")) {
  fx <- fromJSON(file.path(here, paste0(name, ".json")), simplifyVector = TRUE)
  family <- fx$family
  x <- fx$data$x
  trials <- if (is.null(fx$data$trials)) NA else fx$data$trials
  df <- if (family == "bernoulli") {
    d <- data.frame(row = seq_len(nrow(x)))
    d$x <- x
    d
  } else if (family == "poisson") {
    d <- data.frame(row = seq_along(x))
    d$x <- matrix(x, ncol = 1)
    d
  } else data.frame(x = x, trials = trials)
  set.seed(2024)
  lls <- c()
  best <- NULL
  for (r in seq_len(RESTARTS)) {
    fit <- tryCatch(fit_one(family, df), error = function(e) NULL)
    if (is.null(fit) || fit@k != 3) next
    ll <- as.numeric(logLik(fit))
    lls <- c(lls, ll)
    if (is.null(best) || ll > as.numeric(logLik(best))) best <- fit
  }
  bp <- params_of(family, best, x, trials)
  peer_ll <- as.numeric(logLik(best))
  out <- list(
    kind = "discrete_mixture_peer", family = family, dataset = name,
    peer = "flexmix", peer_version = format(packageVersion("flexmix")), r_version = R.version.string,
    generated_by = "Rscript test/peers/discrete/make_flexmix.R",
    data = paste0("test/peers/discrete/", name, ".json (data.x)"),
    notes = list(
      driver = switch(family, poisson = "flexmix(x ~ 1, k = 3, model = FLXMCmvpois())",
        bernoulli = "flexmix(x ~ 1, k = 3, model = FLXMCmvbinary())",
        binomial = "flexmix(cbind(x, trials - x) ~ 1, k = 3, model = FLXMRglm(family = 'binomial'))"),
      restarts = "50 flexmix fits from its random initial partitions after set.seed(2024); control iter.max = 20000, tolerance = 1e-13, minprior = 0; fits that lost a component are skipped",
      loglik = "full observed-data log-likelihood (dpois / dbinom / Bernoulli, all constants) recomputed in R at the flexmix parameters; peer_loglik = flexmix logLik()",
      label_order = fx$notes$label_order
    ),
    best = c(bp[names(bp) != "loglik"], list(loglik = bp$loglik, peer_loglik = peer_ll)),
    restarts = list(count = RESTARTS, completed = length(lls),
      within_1e_6_of_best = sum(lls >= max(lls) - 1e-6 * abs(max(lls))),
      logliks_sorted_desc = arr(head(sort(lls, decreasing = TRUE), 10))),
    numpy_reference_loglik = fx$best$loglik,
    rel_diff_to_numpy_reference = abs(bp$loglik - fx$best$loglik) / abs(fx$best$loglik)
  )
  writeLines(to_json(out), file.path(here, paste0(name, ".flexmix.json")))
  cat(sprintf("%s: flexmix best %.12f (own %.12f) numpy %.12f rel diff %.2e, %d/%d within 1e-6\n", name, peer_ll,
    bp$loglik, fx$best$loglik, out$rel_diff_to_numpy_reference, out$restarts$within_1e_6_of_best, length(lls)))
}
