#!/usr/bin/Rscript
# R mclust fixtures: test/peers/gmm/<dataset>.mclust.json.
#
# Run from the repository root:  Rscript test/peers/gmm/make_mclust.R
# (Debian r-cran-mclust; needs test/peers/gmm/inputs/*.json, written by make_sklearn.py.)
#
# For each data set and each mclust model
#   VVV = full, EEE = tied, VVI = diag, VII = spherical, EEI = tied_diag, EII = tied_spherical
# start from the initial parameters stored in inputs/<dataset>.json (the same as the sklearn
# fixtures) and run exactly n EM iterations, n in the checkpoints:
#   z0  <- estep(modelName = "VVV", data = X, parameters = <initial, full covariance matrices>)$z
#   then n times: fit <- me(modelName = M, data = X, z = z, control = <itmax = 1, tol = -1>); z <- fit$z
# mclust's em() is estep + me (emVVV = estepVVV + meVVV), and each me() pass is "M-step, then
# E-step" in Fortran, so after n passes the parameters are those after n M-steps from the initial
# parameters -- the same count as sklearn's max_iter = n. The passes are chained one call at a
# time because a single me(itmax = n) call stops early when the log-likelihood change is exactly
# 0 (tol is clamped to >= 0), which can happen while the parameters still move in the ~8th digit;
# the single-call result is stored for information under "single_call". For VVV the script also
# runs em(parameters = initial, itmax = n) and stores its difference to the chained route
# (em_vs_me_rel_diff; only when em ran all n iterations).
# The E-step from the initial parameters uses the VVV code for every model: a diagonal, spherical
# or tied matrix is a special full matrix, so z0 is the E-step of that form at the initial point.
# control: emControl() refuses a negative tol, so the list is built by hand with tol = -1.
#
# Stored "loglik" = total observed-data log-likelihood at the FINAL parameters, computed in this
# script with base R (chol + backsolve + log-sum-exp), independently of mclust;
# "peer_loglik" = mclust's fit$loglik (also the log-likelihood at the final parameters: the
# Fortran loop ends with the E-step after the last M-step).
suppressPackageStartupMessages({
  library(mclust)
  library(jsonlite)
})

checkpoints <- c(1L, 5L, 50L, 500L)
models <- list(VVV = "full", EEE = "tied", VVI = "diag", VII = "spherical", EEI = "tied_diag", EII = "tied_spherical")

args0 <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args0[grep("^--file=", args0)])
here <- dirname(normalizePath(script))
root <- normalizePath(file.path(here, "..", "..", ".."))

# ---------------------------------------------------------------- JSON with round-trip doubles
num <- function(x) {
  vapply(x, function(v) {
    if (!is.finite(v)) stop("non-finite number in fixture")
    for (d in 15:17) {
      s <- sprintf(paste0("%.", d, "g"), v)
      if (as.numeric(s) == v) break
    }
    s
  }, "")
}
to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 1)
  end <- strrep(" ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, "", indent = indent + 1)
    if (!is.null(names(x))) {
      items <- paste0(toJSON(names(x)) |> fromJSON() |> vapply(function(n) toJSON(n, auto_unbox = TRUE), ""), ": ", items)
      return(paste0("{\n", paste0(pad, items, collapse = ",\n"), "\n", end, "}"))
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
rows <- function(m) lapply(seq_len(nrow(m)), function(i) arr(m[i, ]))
cube <- function(a) lapply(seq_len(dim(a)[3]), function(k) rows(a[, , k, drop = TRUE]))

# ---------------------------------------------------------------- independent log-likelihood
loglik <- function(X, pro, mu, sig) { # mu: G x d, sig: d x d x G
  G <- length(pro)
  d <- ncol(X)
  lp <- sapply(seq_len(G), function(k) {
    R <- chol(sig[, , k]) # upper, sig = R'R
    Z <- backsolve(R, t(X) - mu[k, ], transpose = TRUE)
    log(pro[k]) - 0.5 * colSums(Z * Z) - sum(log(diag(R))) - 0.5 * d * log(2 * pi)
  })
  m <- apply(lp, 1, max)
  sum(m + log(rowSums(exp(lp - m))))
}

ctrl <- function(n) list(eps = .Machine$double.eps, tol = c(-1, -1), itmax = c(n, .Machine$integer.max), equalPro = FALSE)

compact <- function(form, sig) { # from the full d x d x G array
  G <- dim(sig)[3]
  switch(form,
    full = cube(sig),
    tied = rows(sig[, , 1]),
    diag = lapply(seq_len(G), function(k) arr(diag(sig[, , k]))),
    spherical = arr(sapply(seq_len(G), function(k) sig[1, 1, k])),
    tied_diag = arr(diag(sig[, , 1])),
    tied_spherical = sig[1, 1, 1]
  )
}

for (f in sort(list.files(file.path(here, "inputs"), pattern = "\\.json$", full.names = TRUE))) {
  inp <- fromJSON(f, simplifyVector = TRUE)
  name <- inp$dataset
  X <- if (isTRUE(inp$data$inline)) inp$data$x else fromJSON(file.path(root, inp$data$source))[[inp$data$key]]
  X <- matrix(as.double(X), nrow = nrow(X))
  G <- inp$k
  d <- ncol(X)
  stopifnot(nrow(X) == inp$data$n, max(abs(colSums(X) - inp$data$column_sums)) < 1e-6 * max(abs(colSums(X))))
  forms <- list()
  worst_em_vs_me <- 0
  for (model in names(models)) {
    form <- models[[model]]
    ini <- inp$initial[[form]]
    w0 <- as.double(ini$weights)
    mu0 <- matrix(as.double(ini$means), G, d)
    sig0 <- array(0, c(d, d, G))
    for (k in 1:G) sig0[, , k] <- ini$covariances[k, , ]
    par0 <- list(pro = w0, mean = t(mu0), variance = list(modelName = "VVV", d = d, G = G, sigma = sig0,
      cholsigma = array(apply(sig0, 3, chol), c(d, d, G))))
    z0 <- estep(data = X, modelName = "VVV", parameters = par0)$z
    runs <- list()
    z <- z0
    for (it in seq_len(max(checkpoints))) {
      fit <- me(data = X, modelName = model, z = z, control = ctrl(1L), warn = FALSE)
      if (is.null(fit$loglik) || is.na(fit$loglik)) stop(paste(name, model, it, "mclust failed"))
      z <- fit$z
      if (!(it %in% checkpoints)) next
      n <- it
      p <- fit$parameters
      mu <- t(p$mean)
      sig <- p$variance$sigma
      if (length(dim(sig)) == 2) sig <- array(sig, c(d, d, G))
      ll <- loglik(X, p$pro, mu, sig)
      # The same n iterations in ONE call: mclust may stop earlier (exactly-zero change).
      one <- me(data = X, modelName = model, z = z0, control = ctrl(n), warn = FALSE)
      one_its <- abs(as.integer(attr(one, "info")[["iterations"]]))
      run <- list(
        n_iter = n,
        weights = arr(p$pro), means = rows(mu), covariances = cube(sig),
        covariances_compact = compact(form, sig),
        loglik = ll, peer_loglik = fit$loglik,
        loglik_rel_diff_peer_vs_own = abs(fit$loglik - ll) / abs(ll),
        single_call = list(iterations_run = one_its,
          loglik_rel_diff = abs(one$loglik - fit$loglik) / abs(ll),
          means_rel_diff = max(abs(one$parameters$mean - p$mean)) / max(abs(p$mean)))
      )
      if (model == "VVV") {
        fe <- em(data = X, modelName = "VVV", parameters = par0, control = ctrl(n), warn = FALSE)
        if (abs(as.integer(attr(fe, "info")[["iterations"]])) == n) {
          dd <- max(abs(fe$parameters$variance$sigma - sig)) / max(abs(sig))
          dd <- max(dd, max(abs(fe$parameters$mean - p$mean)) / max(abs(p$mean)), abs(fe$loglik - fit$loglik) / abs(ll))
          run$em_vs_me_rel_diff <- dd
          worst_em_vs_me <- max(worst_em_vs_me, dd)
        }
      }
      runs[[length(runs) + 1]] <- run
    }
    forms[[form]] <- list(
      mclust_model = model,
      initial = list(weights = arr(w0), means = rows(mu0), covariances = cube(sig0),
        covariances_compact = compact(form, sig0), loglik = loglik(X, w0, mu0, sig0)),
      runs = runs
    )
  }
  data <- inp$data
  if (isTRUE(data$inline)) data$x <- rows(X)
  data$column_sums <- arr(data$column_sums)
  if (!is.null(data$generating_parameters)) data$generating_parameters <- NULL # kept in the sklearn fixture
  fixture <- list(
    kind = "gmm", peer = "mclust", peer_version = format(packageVersion("mclust")), r_version = R.version.string,
    generated_by = "Rscript test/peers/gmm/make_mclust.R",
    dataset = name, k = G, data = data,
    notes = list(
      iteration = "one iteration = M-step then E-step (one mclust me() pass); the run starts with one E-step at the initial parameters (estep, VVV code on the form's matrices), so n iterations = n M-steps from the initial parameters, the same as sklearn max_iter = n. The n passes are chained as n calls me(z = previous z, itmax = 1), so exactly n iterations run. VVV runs were also done with em(parameters = initial, itmax = n): em_vs_me_rel_diff.",
      stopping = "control built by hand: tol = -1, itmax (emControl refuses a negative tol). A single me(itmax = n) call still stops early when the log-likelihood change is exactly 0 (flat optimum: parameters may still change in the ~8th digit); single_call records its iterations_run and its difference to the chained run, for information only.",
      loglik = "total observed-data log-likelihood sum_n log sum_k w_k N(x_n | mu_k, Sigma_k) at the FINAL parameters, computed in this script with base R (chol, backsolve, log-sum-exp), natural log, all constants.",
      peer_loglik = "mclust fit$loglik: the same quantity as computed by mclust's Fortran (E-step after the last M-step).",
      models = "VVV = full, EEE = tied (one shared full matrix), VVI = diag, VII = spherical (one variance per component), EEI = tied_diag (one shared diagonal), EII = tied_spherical (one shared variance). No prior, equalPro = FALSE, no noise component.",
      covariances = "covariances: K x D x D full matrices for every form; covariances_compact derived from them (full KxDxD, tied DxD, diag KxD, spherical K, tied_diag D, tied_spherical scalar).",
      initial = "identical to the sklearn fixture of the same data set (inputs/<dataset>.json, written by make_sklearn.py)."
    ),
    initial_rule = inp$initial_rule,
    checkpoints = arr(checkpoints),
    forms = forms
  )
  out <- file.path(here, paste0(name, ".mclust.json"))
  writeLines(to_json(fixture), out)
  cat(sprintf("%s: VVV em vs me max rel diff %.2e\n", out, worst_em_vs_me))
}
