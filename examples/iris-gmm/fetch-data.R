# Writes examples/iris-gmm/data.json from R's built-in `iris` data set: sepal length, sepal
# width, petal length and petal width (cm) of 150 iris flowers, 50 of each of three species.
# Source: E. Anderson (1935) and R. A. Fisher (1936), via R's `datasets` package (public
# domain). The species labels are not part of the model's data; they are written to
# species.json (0 = setosa, 1 = versicolor, 2 = virginica) for comparing clusters later.
#
#     Rscript examples/iris-gmm/fetch-data.R
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

num <- function(v) format(v, digits = 15, trim = TRUE, scientific = FALSE, nsmall = 1)
rows <- sprintf(
  "    [%s, %s, %s, %s]",
  num(iris$Sepal.Length), num(iris$Sepal.Width), num(iris$Petal.Length), num(iris$Petal.Width)
)
json <- paste0("{\n  \"x\": [\n", paste(rows, collapse = ",\n"), "\n  ]\n}\n")
species <- paste0("{\n  \"species\": [", paste(as.integer(iris$Species) - 1L, collapse = ", "), "],\n",
                  "  \"levels\": [\"setosa\", \"versicolor\", \"virginica\"]\n}\n")

write_atomically <- function(text, target) {
  temp <- paste0(target, ".tmp")
  writeLines(text, temp, sep = "")
  invisible(file.rename(temp, target))
}
write_atomically(json, file.path(here, "data.json"))
write_atomically(species, file.path(here, "species.json"))
cat("wrote", file.path(here, "data.json"), "with", nrow(iris), "rows\n")
