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
Rscript test/peers/flexmix-glm/make_flexmix_glm.R    # mixture of Poisson regressions (simulates its own data)
Rscript test/peers/glm-newton/make_glm_newton.R      # R glm and flexmix binomial regressions (Newton M-steps)
/usr/bin/python3 test/peers/report-pmf/poisson_lognormal_pmf.py  # scipy quadrature of the Poisson-lognormal pmf
/usr/bin/python3 test/peers/abo/make_abo.py
Rscript test/peers/select/make_mclust_select.R         # mclust VVV, G = 1..4 on Old Faithful (emforge select)
/usr/bin/python3 test/peers/hmm/make_hmm.py            # forward algorithm + Baum-Welch in log space (~4 min)
Rscript test/peers/factanal/make_factanal.R           # R factanal ML solutions (attitude, swiss)
/usr/bin/python3 test/peers/kalman/make_kalman.py      # Kalman filter + joint-Gaussian log-likelihoods
/usr/bin/python3 test/peers/missing/make_missing.py    # MVN and GMM EM with missing entries
/usr/bin/python3 test/peers/student-t/make_student_t.py  # multivariate t and t-mixture EM, ν known
/usr/bin/python3 test/peers/report/make_pca.py         # PCA projections for the report's scatter plots
/usr/bin/python3 test/peers/se/make_bootstrap.py       # 2000 sklearn bootstrap refits for the GMM standard errors (~10 min)
pnpm exec biome format --write test/peers >/dev/null  # JSON layout only; numbers are kept as written
pnpm exec vitest run test/peers
