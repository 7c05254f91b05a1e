#!/bin/sh
# Regenerate every peer fixture under test/peers (needs the Debian peers:
#   apt-get install -y python3-sklearn python3-scipy r-base-core r-cran-mclust r-cran-flexmix).
# Run from the repository root: sh test/peers/regenerate.sh
set -eu
export PYTHONDONTWRITEBYTECODE=1
/usr/bin/python3 test/peers/gmm/make_sklearn.py      # also writes test/peers/gmm/inputs/*.json
Rscript test/peers/gmm/make_mclust.R                  # reads test/peers/gmm/inputs/*.json
/usr/bin/python3 test/peers/gmm/crosscheck.py         # sklearn vs mclust vs numpy EM, exits 1 on disagreement
/usr/bin/python3 test/peers/discrete/make_numpy.py
Rscript test/peers/discrete/make_flexmix.R            # reads test/peers/discrete/<name>.json
/usr/bin/python3 test/peers/abo/make_abo.py
pnpm exec biome format --write test/peers >/dev/null  # JSON layout only; numbers are kept as written
pnpm exec vitest run test/peers
