"""Bootstrap standard errors of two-component full-covariance Gaussian mixtures (issue 6).

Writes test/peers/se/gmm_bootstrap.json: for each data set the MLE (scikit-learn
GaussianMixture, reg_covar=0, 20 inits, tol 1e-12) and the nonparametric bootstrap standard
errors of weights, means and covariances: B resamples of the rows with replacement, each refitted
by EM started at the full-data MLE (tol 1e-10, reg_covar=0), components aligned to the MLE's by
the permutation with the smallest sum of squared standardised mean distances, SE = the standard
deviation (ddof=1) over replicates. The Monte Carlo relative error of such an SE is about
1/sqrt(2(B-1)) (recorded). Data sets: Old Faithful (examples/old-faithful-gmm/data.json) and a
simulated 2-D mixture (numpy default_rng(20240606), data stored inline with its generating
parameters). Run from the repository root: /usr/bin/python3 test/peers/se/make_bootstrap.py
"""
import itertools
import json
import platform

import numpy as np
import scipy
import sklearn
from scipy.stats import multivariate_normal
from scipy.special import logsumexp
from sklearn.mixture import GaussianMixture

B = 2000
K = 2


def loglik(x, w, mu, cov):
    dens = np.column_stack([np.log(w[k]) + multivariate_normal(mu[k], cov[k]).logpdf(x) for k in range(K)])
    return float(logsumexp(dens, axis=1).sum())


def mle(x):
    gm = GaussianMixture(K, covariance_type="full", reg_covar=0.0, tol=1e-12, max_iter=10000, n_init=20, random_state=0)
    gm.fit(x)
    order = np.argsort(gm.means_[:, 0])  # label order: by the first coordinate's mean
    return gm.weights_[order], gm.means_[order], gm.covariances_[order]


def bootstrap(x, w, mu, cov, seed):
    rng = np.random.default_rng(seed)
    n = len(x)
    scale = x.std(axis=0)
    reps = {"weights": [], "means": [], "covariances": []}
    perms = list(itertools.permutations(range(K)))
    for _ in range(B):
        xb = x[rng.integers(0, n, n)]
        gm = GaussianMixture(
            K,
            covariance_type="full",
            reg_covar=0.0,
            tol=1e-10,
            max_iter=5000,
            weights_init=w,
            means_init=mu,
            precisions_init=np.linalg.inv(cov),
        )
        gm.fit(xb)
        cost = [sum((((gm.means_[p[k]] - mu[k]) / scale) ** 2).sum() for k in range(K)) for p in perms]
        p = list(perms[int(np.argmin(cost))])
        reps["weights"].append(gm.weights_[p])
        reps["means"].append(gm.means_[p])
        reps["covariances"].append(gm.covariances_[p])
    return {key: np.std(np.array(v), axis=0, ddof=1) for key, v in reps.items()}


def entry(name, x, seed, extra):
    w, mu, cov = mle(x)
    se = bootstrap(x, w, mu, cov, seed)
    return {
        "name": name,
        **extra,
        "n": len(x),
        "d": x.shape[1],
        "k": K,
        "mle": {"weights": w.tolist(), "means": mu.tolist(), "covariances": cov.tolist(), "loglik": loglik(x, w, mu, cov)},
        "bootstrap": {
            "replicates": B,
            "seed": seed,
            "monte_carlo_relative_error": 1 / np.sqrt(2 * (B - 1)),
            "se": {key: v.tolist() for key, v in se.items()},
        },
    }


def main():
    with open("examples/old-faithful-gmm/data.json") as f:
        faithful = np.array(json.load(f)["x"], dtype=float)
    truth = {
        "weights": [0.4, 0.6],
        "means": [[0.0, 0.0], [3.0, 2.0]],
        "covariances": [[[1.0, 0.5], [0.5, 1.5]], [[1.2, -0.4], [-0.4, 0.8]]],
    }
    rng = np.random.default_rng(20240606)
    n = 600
    z = rng.choice(K, size=n, p=truth["weights"])
    sim = np.array([rng.multivariate_normal(truth["means"][k], truth["covariances"][k]) for k in z]).round(4)
    out = {
        "description": "bootstrap standard errors of K=2 full-covariance Gaussian mixtures (see make_bootstrap.py)",
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "sklearn": sklearn.__version__,
        },
        "datasets": [
            entry("old_faithful", faithful, 20240607, {"source": "examples/old-faithful-gmm/data.json"}),
            entry("sim_d2_k2_n600", sim, 20240608, {"generating_parameters": truth, "x": sim.tolist()}),
        ],
    }
    with open("test/peers/se/gmm_bootstrap.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
