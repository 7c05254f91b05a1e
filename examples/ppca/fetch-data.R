# Writes data.json for the PPCA example: R's built-in `swiss` data (47 French-speaking
# provinces of Switzerland, 1888: fertility and five socio-economic indicators, all in
# percent), one row per province. Run from the repository root:
#   Rscript examples/ppca/fetch-data.R
library(jsonlite)
x <- unname(as.matrix(swiss))
writeLines(toJSON(list(x = x), digits = NA, pretty = TRUE), "examples/ppca/data.json")
