#!/usr/bin/python3
"""scikit-learn GaussianMixture fixtures: test/peers/gmm/<dataset>.sklearn.json.

Run from anywhere:  /usr/bin/python3 test/peers/gmm/make_sklearn.py   (Debian python3-sklearn)

For each data set (Old Faithful, Iris, two simulated sets) and each sklearn covariance_type
(full, tied, diag, spherical): start from the stored initial parameters and run exactly n EM
iterations for n in CHECKPOINTS, with
    GaussianMixture(n_components=K, covariance_type=form, init_params="random",
                    weights_init=w0, means_init=mu0, precisions_init=inv(Sigma0),
                    max_iter=n, tol=0, reg_covar=0, n_init=1, random_state=0)
init_params="random" only feeds a throw-away initial M-step whose result is then overwritten by
the three *_init arrays (GaussianMixture._initialize), so the run starts exactly at the stored
initial parameters. tol=0: `abs(change) < tol` is never true, so exactly max_iter iterations run
(asserted: n_iter_ == n). One sklearn iteration = E-step (at the current parameters) then M-step.

The stored "loglik" is the total observed-data log-likelihood sum_n log p(x_n | theta_final) at
the FINAL parameters (after the n-th M-step), computed independently here with
scipy.stats.multivariate_normal + logsumexp. The peer's own numbers are stored beside it:
lower_bound_ (mean log-likelihood per point at the parameters BEFORE the last M-step, i.e. after
n-1 M-steps) and score(X)*N (sklearn's total log-likelihood at the final parameters).

A plain numpy EM (common_gmm.numpy_em, centred scatter matrices) is run on the same start as a
cross-check; its agreement with sklearn is stored under "crosscheck".

Also writes test/peers/gmm/inputs/<dataset>.json (data and the initial parameters of all six
emforge covariance forms), which make_mclust.R reads so both peers start from the same point.
"""
import os
import sys
import warnings

import numpy as np

sys.dont_write_bytecode = True  # keep test/peers free of __pycache__
import scipy
import sklearn
from common_gmm import (CHECKPOINTS, HERE, datasets, dump, full_from_compact, initial_parameters, loglik,
                        max_rel_diff, numpy_em)
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

SK_FORMS = ["full", "tied", "diag", "spherical"]


def precisions(form, compact):
    if form == "full":
        return np.array([np.linalg.inv(c) for c in compact])
    if form == "tied":
        return np.linalg.inv(compact)
    return 1.0 / np.asarray(compact)


def run(x, k, form, w0, mu0, cov0, n):
    gm = GaussianMixture(n_components=k, covariance_type=form, init_params="random", weights_init=w0,
                         means_init=mu0, precisions_init=precisions(form, cov0), max_iter=n, tol=0.0,
                         reg_covar=0.0, n_init=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x)
    assert gm.n_iter_ == n, (gm.n_iter_, n)
    return gm


def main():
    for name, (x, k, data_desc) in datasets().items():
        n_pts, d = x.shape
        init = initial_parameters(x, k)
        fixture = {
            "kind": "gmm",
            "peer": "scikit-learn",
            "peer_version": sklearn.__version__,
            "numpy_version": np.__version__,
            "scipy_version": scipy.__version__,
            "generated_by": "/usr/bin/python3 test/peers/gmm/make_sklearn.py",
            "dataset": name,
            "k": k,
            "data": data_desc,
            "notes": {
                "iteration": "one iteration = E-step at the current parameters, then M-step; n iterations = n "
                "M-steps from the initial parameters (GaussianMixture(max_iter=n, tol=0), n_iter_ == n asserted).",
                "start": "weights_init, means_init, precisions_init = the stored initial parameters (inverted "
                "covariances); init_params='random' is overwritten by them; reg_covar=0.",
                "loglik": "total observed-data log-likelihood sum_n log sum_k w_k N(x_n | mu_k, Sigma_k) at the "
                "FINAL parameters, computed by this script with scipy.stats.multivariate_normal + logsumexp "
                "(natural log, all constants included).",
                "peer_lower_bound": "sklearn lower_bound_: MEAN per-point log-likelihood from the E-step of the "
                "last iteration, i.e. at the parameters after n-1 M-steps (before the last M-step).",
                "peer_score_total": "sklearn score(X) * N: total log-likelihood at the final parameters.",
                "m_step_details": "sklearn adds 10*eps to each n_k, renormalises the weights, and computes "
                "diag/spherical/tied covariances from uncentred moments (E[x^2] - mean^2), so agreement with "
                "a centred computation is ~1e-13 relative, not bit-exact.",
                "covariances": "covariances: K x D x D full matrices for every form (tied repeated per "
                "component); covariances_compact: sklearn's covariances_ (full KxDxD, tied DxD, diag KxD, "
                "spherical K).",
                "initial": "k-means++ seeding with numpy default_rng(seed) on the raw data, every point assigned "
                "to its nearest seed, weights n_k/N, means = cluster means, covariances = cluster MLE "
                "covariances (full), their pooled average (tied), diagonals (diag), trace/D (spherical). "
                "Component order is the seed order and is never permuted.",
                "crosscheck": "a plain numpy EM from the same start; max relative difference (max |a-b| / max |a|"
                " over each array) to sklearn's final parameters and log-likelihood.",
            },
            "initial_rule": {"seed": init["seed"], "seed_indices": init["seed_indices"],
                             "cluster_sizes": init["cluster_sizes"]},
            "checkpoints": CHECKPOINTS,
            "forms": {},
        }
        # Shared inputs for make_mclust.R: data + the initial parameters of all six forms.
        dump(os.path.join(HERE, "inputs", f"{name}.json"), {
            "dataset": name, "k": k, "data": data_desc,
            "generated_by": "/usr/bin/python3 test/peers/gmm/make_sklearn.py",
            "initial_rule": fixture["initial_rule"],
            "initial": {form: {"weights": init["weights"].tolist(), "means": init["means"].tolist(),
                               "covariances": full_from_compact(form, init["compact"][form], k, d).tolist(),
                               "covariances_compact": np.asarray(init["compact"][form]).tolist()}
                        for form in init["compact"]},
        })
        for form in SK_FORMS:
            cov0 = init["compact"][form]
            full0 = full_from_compact(form, cov0, k, d)
            entry = {
                "sklearn_covariance_type": form,
                "initial": {"weights": init["weights"].tolist(), "means": init["means"].tolist(),
                            "covariances": full0.tolist(), "covariances_compact": np.asarray(cov0).tolist(),
                            "loglik": loglik(x, init["weights"], init["means"], full0)},
                "runs": [],
            }
            for n in CHECKPOINTS:
                gm = run(x, k, form, init["weights"], init["means"], cov0, n)
                covs = full_from_compact(form, gm.covariances_, k, d)
                ll = loglik(x, gm.weights_, gm.means_, covs)
                rw, rm, rc = numpy_em(x, form, init["weights"], init["means"], full0, n)
                rll = loglik(x, rw, rm, rc)
                entry["runs"].append({
                    "n_iter": n,
                    "weights": gm.weights_.tolist(),
                    "means": gm.means_.tolist(),
                    "covariances": covs.tolist(),
                    "covariances_compact": np.asarray(gm.covariances_).tolist(),
                    "loglik": ll,
                    "peer_lower_bound": float(gm.lower_bound_),
                    "peer_score_total": float(gm.score(x) * n_pts),
                    "crosscheck": {
                        "numpy_em_loglik": rll,
                        "loglik_rel_diff": abs(rll - ll) / abs(ll),
                        "weights_rel_diff": max_rel_diff(rw, gm.weights_),
                        "means_rel_diff": max_rel_diff(rm, gm.means_),
                        "covariances_rel_diff": max_rel_diff(rc, covs),
                    },
                })
            fixture["forms"][form] = entry
        out = os.path.join(HERE, f"{name}.sklearn.json")
        dump(out, fixture)
        worst = max(max(r["crosscheck"][key] for key in r["crosscheck"] if key.endswith("diff"))
                    for e in fixture["forms"].values() for r in e["runs"])
        print(f"{out}: worst sklearn-vs-numpy rel diff {worst:.2e}")


if __name__ == "__main__":
    main()
