#!/usr/bin/python3
# From the project's shared benchmark kit (../shared/bench/peers/run_sklearn.py), copied unchanged below
# this line so a clean clone can run `pnpm bench`.
"""sklearn GaussianMixture, fixed init, tol=0 so exactly --iters EM iterations."""
import warnings

import numpy as np
from common import arg_parser, load, measure, report
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

ap = arg_parser(__doc__)
ap.add_argument("--cov", choices=["full", "diag"], default="full")
a = ap.parse_args()
X, hdr, init = load(a.data)
n, d = X.shape
k = len(init["weights"])
w0 = np.array(init["weights"]); m0 = np.array(init["means"])
if a.cov == "full":
    prec0 = np.array([np.linalg.inv(np.array(c)) for c in init["covariances_full"]])
else:
    prec0 = 1.0 / np.array(init["covariances_diag"])


def fit(iters):
    # init_params="random" + explicit *_init: the random resp only feeds a
    # throw-away M-step (cheap); all three parameter sets are then overridden.
    gm = GaussianMixture(n_components=k, covariance_type=a.cov, tol=0.0, max_iter=iters,
                         n_init=1, init_params="random", weights_init=w0, means_init=m0,
                         precisions_init=prec0, reg_covar=1e-6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    return gm


med, secs, gm, marg = measure(fit, a.iters, a.repeats)
assert gm.n_iter_ == a.iters, gm.n_iter_
report("sklearn-1.2.1", f"gmm_{a.cov}", hdr, n, d, k, gm.n_iter_, med, secs,
       gm.score(X) * n, marginal=marg, note="fit() wall time; includes one extra E-step after the last iteration")
