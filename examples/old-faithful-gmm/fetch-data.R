# Writes examples/old-faithful-gmm/data.json from R's built-in `faithful` data set:
# 272 eruptions of the Old Faithful geyser (Yellowstone), each with the eruption time and the
# waiting time to the next eruption, both in minutes. Source: W. Härdle (1991), Smoothing
# Techniques with Implementation in S, via R's `datasets` package (public domain).
#
#     Rscript examples/old-faithful-gmm/fetch-data.R
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

num <- function(v) format(v, digits = 15, trim = TRUE, scientific = FALSE)
rows <- sprintf("    [%s, %s]", num(faithful$eruptions), num(faithful$waiting))
json <- paste0("{\n  \"x\": [\n", paste(rows, collapse = ",\n"), "\n  ]\n}\n")

# Atomic: write a temporary file beside the target, then rename it over the target.
target <- file.path(here, "data.json")
temp <- paste0(target, ".tmp")
writeLines(json, temp, sep = "")
invisible(file.rename(temp, target))
cat("wrote", target, "with", nrow(faithful), "rows\n")
