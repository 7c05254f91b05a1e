# Maximum-likelihood factor analysis by R's factanal (stats) on R's built-in data sets, for
# test/fit/linear-gaussian-fa.test.ts. Writes factanal.json: per case the data (rows), the
# number of factors, factanal's uniquenesses, loadings (correlation scale, unrotated: rotation
# = "none"), L Lᵀ (rotation-free), the minimised ML discrepancy F and the convergence flag.
# factanal fits the correlation matrix; the test converts its own fit (uniqueness = psi² / var,
# loadings = W / sd, with var and sd the maximum-likelihood moments, dividing by N).
# Tight optimiser control so the reference is accurate beyond the test's tolerance.
# Run from the repository root: Rscript test/peers/factanal/make_factanal.R
library(jsonlite)

num <- function(x) {
  vapply(x, function(v) {
    for (d in 15:17) {
      s <- sprintf(paste0("%.", d, "g"), v)
      if (as.double(s) == v) return(s)
    }
    sprintf("%.17g", v)
  }, "")
}
vec <- function(x) paste0("[", paste(num(as.double(x)), collapse = ", "), "]")
mat <- function(m) paste0("[\n      ", paste(vapply(seq_len(nrow(m)), function(i) vec(m[i, ]), ""), collapse = ",\n      "), "\n    ]")

control <- list(nstart = 1, opt = list(factr = 1, pgtol = 0, maxit = 100000))
cases <- list(
  list(name = "attitude_2", data = attitude, factors = 2),
  list(name = "attitude_1", data = attitude, factors = 1),
  list(name = "swiss_1", data = swiss, factors = 1)
)
entries <- vapply(cases, function(cs) {
  x <- as.matrix(cs$data)
  fit <- factanal(x, cs$factors, rotation = "none", control = control)
  L <- unclass(fit$loadings)
  paste0(
    "  {\n",
    '    "name": ', toJSON(cs$name, auto_unbox = TRUE), ",\n",
    '    "factors": ', cs$factors, ",\n",
    '    "columns": ', toJSON(colnames(x)), ",\n",
    '    "uniquenesses": ', vec(fit$uniquenesses), ",\n",
    '    "loadings": ', mat(L), ",\n",
    '    "LLt": ', mat(L %*% t(L)), ",\n",
    '    "objective": ', num(fit$criteria[["objective"]]), ",\n",
    '    "converged": ', tolower(as.character(fit$converged)), ",\n",
    '    "x": ', mat(x), "\n",
    "  }"
  )
}, "")
out <- paste0(
  "{\n",
  '"peer": ', toJSON(paste0("R ", R.version$major, ".", R.version$minor, " stats::factanal"), auto_unbox = TRUE), ",\n",
  '"cases": [\n', paste(entries, collapse = ",\n"), "\n]\n}\n"
)
writeLines(out, "test/peers/factanal/factanal.json", sep = "")
