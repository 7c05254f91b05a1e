"""Shared pieces of the GMM fixture scripts: data sets, the deterministic initial parameters,
an independent log-likelihood and a plain numpy EM used as a cross-check of the peers.

Nothing here calls scikit-learn; the log-likelihood uses scipy.stats.multivariate_normal and
scipy.special.logsumexp only.
"""
import json
import os

import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

# EM iteration counts stored for every (data set, form): a short run where the forms differ,
# a medium one and a long run near convergence.
CHECKPOINTS = [1, 5, 50, 500]

# emforge covariance forms. sklearn has the first four; mclust names in comments.
FORMS = ["full", "tied", "diag", "spherical", "tied_diag", "tied_spherical"]
#        VVV     EEE     VVI     VII          EEI          EII


# ----------------------------------------------------------------------------- data sets
def _rot(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def simulate_separated():
    """D=3, K=3, N=500, well separated, full covariances. Seeded, rounded to 1e-4."""
    rng = np.random.default_rng(20240601)
    w = np.array([0.5, 0.3, 0.2])
    mu = np.array([[0.0, 0.0, 0.0], [6.0, 6.0, 0.0], [0.0, 6.0, 6.0]])
    covs = []
    for scales in ([1.0, 0.6, 0.3], [0.5, 1.2, 0.8], [0.9, 0.9, 0.4]):
        q = _rot(rng, 3)
        covs.append(q @ np.diag(np.square(scales)) @ q.T)
    return _draw(rng, 500, w, mu, np.array(covs))


def simulate_overlapping():
    """D=2, K=4, N=800, overlapping components. Seeded, rounded to 1e-4."""
    rng = np.random.default_rng(20240602)
    w = np.array([0.35, 0.25, 0.25, 0.15])
    mu = np.array([[0.0, 0.0], [2.0, 0.5], [0.5, 2.5], [2.5, 2.5]])
    covs = np.array([
        [[1.0, 0.3], [0.3, 0.6]],
        [[0.5, -0.2], [-0.2, 0.8]],
        [[0.7, 0.0], [0.0, 0.7]],
        [[1.2, 0.5], [0.5, 0.9]],
    ])
    return _draw(rng, 800, w, mu, covs)


def _draw(rng, n, w, mu, covs):
    z = rng.choice(len(w), size=n, p=w)
    x = np.array([rng.multivariate_normal(mu[k], covs[k]) for k in z])
    x = np.round(x, 4)
    truth = {"weights": w.tolist(), "means": mu.tolist(), "covariances": covs.tolist()}
    return x, truth


def load_example(rel):
    with open(os.path.join(ROOT, rel)) as f:
        return np.array(json.load(f)["x"], dtype=float)


def datasets():
    """name -> (X, K, data descriptor for the fixture)."""
    out = {}
    for name, rel, k in [("old_faithful", "examples/old-faithful-gmm/data.json", 2),
                         ("iris", "examples/iris-gmm/data.json", 3)]:
        x = load_example(rel)
        out[name] = (x, k, {"source": rel, "key": "x", "n": x.shape[0], "d": x.shape[1],
                            "column_sums": x.sum(0).tolist()})
    for name, fn, k, desc in [
        ("sim_d3_k3_n500_separated", simulate_separated, 3,
         "numpy default_rng(20240601); weights .5/.3/.2, means 0,(6,6,0),(0,6,6), random rotations"),
        ("sim_d2_k4_n800_overlapping", simulate_overlapping, 4,
         "numpy default_rng(20240602); weights .35/.25/.25/.15, close means, correlated covariances"),
    ]:
        x, truth = fn()
        out[name] = (x, k, {"inline": True, "n": x.shape[0], "d": x.shape[1], "generator": desc,
                            "generating_parameters": truth, "column_sums": x.sum(0).tolist(),
                            "x": x.tolist()})
    return out


# ----------------------------------------------------------------------------- initial parameters
def kmeanspp_centers(x, k, rng):
    """Plain k-means++ seeding (D^2 sampling), no Lloyd iterations."""
    n = x.shape[0]
    idx = [int(rng.integers(n))]
    d2 = np.sum((x - x[idx[0]]) ** 2, axis=1)
    for _ in range(1, k):
        j = int(rng.choice(n, p=d2 / d2.sum()))
        idx.append(j)
        d2 = np.minimum(d2, np.sum((x - x[j]) ** 2, axis=1))
    return idx


def initial_parameters(x, k, seed=0):
    """k-means++ seeds (numpy default_rng(seed)), hard assignment of every point to its nearest
    seed (ties: lowest index), then weights = n_k/N, means = cluster means, S_k = the cluster's
    MLE covariance (divide by n_k), W = sum_k n_k S_k / N (pooled). Forms: full S_k; tied W;
    diag diag(S_k); spherical trace(S_k)/D; tied_diag diag(W); tied_spherical trace(W)/D.
    The seed is increased until every cluster has more than D points."""
    n, d = x.shape
    while True:
        rng = np.random.default_rng(seed)
        idx = kmeanspp_centers(x, k, rng)
        c = x[idx]
        lab = np.argmin(((x[:, None, :] - c[None, :, :]) ** 2).sum(2), axis=1)
        nk = np.bincount(lab, minlength=k)
        if nk.min() > d:
            break
        seed += 1
    w = nk / n
    mu = np.array([x[lab == j].mean(0) for j in range(k)])
    s = np.array([(x[lab == j] - mu[j]).T @ (x[lab == j] - mu[j]) / nk[j] for j in range(k)])
    pooled = np.einsum("k,kij->ij", nk, s) / n
    compact = {
        "full": s,
        "tied": pooled,
        "diag": np.array([np.diag(sj) for sj in s]),
        "spherical": np.array([np.trace(sj) / d for sj in s]),
        "tied_diag": np.diag(pooled).copy(),
        "tied_spherical": np.array(np.trace(pooled) / d),
    }
    return {"seed": seed, "seed_indices": idx, "cluster_sizes": nk.tolist(), "weights": w, "means": mu,
            "compact": compact}


def full_from_compact(form, cov, k, d):
    cov = np.asarray(cov, dtype=float)
    if form == "full":
        return cov.reshape(k, d, d)
    if form == "tied":
        return np.repeat(cov.reshape(1, d, d), k, axis=0)
    if form == "diag":
        return np.array([np.diag(c) for c in cov.reshape(k, d)])
    if form == "spherical":
        return np.array([v * np.eye(d) for v in cov.reshape(k)])
    if form == "tied_diag":
        return np.repeat(np.diag(cov.reshape(d))[None], k, axis=0)
    if form == "tied_spherical":
        return np.repeat((float(cov) * np.eye(d))[None], k, axis=0)
    raise ValueError(form)


# ----------------------------------------------------------------------------- independent reference
def loglik(x, w, mu, covs):
    """Total observed-data log-likelihood sum_n log sum_k w_k N(x_n | mu_k, Sigma_k)."""
    lp = np.column_stack([np.log(w[j]) + multivariate_normal(mu[j], covs[j]).logpdf(x)
                          for j in range(len(w))])
    return float(logsumexp(lp, axis=1).sum())


def numpy_em(x, form, w, mu, covs, iters):
    """Plain EM (E-step then M-step, `iters` times; centred scatter matrices, no ridge)."""
    n, d = x.shape
    k = len(w)
    w, mu, covs = np.array(w, float), np.array(mu, float), np.array(covs, float)
    for _ in range(iters):
        lp = np.column_stack([np.log(w[j]) + multivariate_normal(mu[j], covs[j]).logpdf(x) for j in range(k)])
        r = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))
        nk = r.sum(0)
        w = nk / n
        mu = (r.T @ x) / nk[:, None]
        s = np.array([(r[:, j, None] * (x - mu[j])).T @ (x - mu[j]) / nk[j] for j in range(k)])
        pooled = np.einsum("k,kij->ij", nk, s) / n
        if form == "full":
            covs = s
        elif form == "tied":
            covs = np.repeat(pooled[None], k, 0)
        elif form == "diag":
            covs = np.array([np.diag(np.diag(sj)) for sj in s])
        elif form == "spherical":
            covs = np.array([np.trace(sj) / d * np.eye(d) for sj in s])
        elif form == "tied_diag":
            covs = np.repeat(np.diag(np.diag(pooled))[None], k, 0)
        elif form == "tied_spherical":
            covs = np.repeat((np.trace(pooled) / d * np.eye(d))[None], k, 0)
    return w, mu, covs


def max_rel_diff(a, b):
    a, b = np.asarray(a, float).ravel(), np.asarray(b, float).ravel()
    scale = max(np.abs(a).max(), np.abs(b).max(), 1e-300)
    return float(np.abs(a - b).max() / scale)


def dump(path, obj):
    """JSON with Python's repr floats (shortest string that round-trips the double)."""
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, allow_nan=False)
        f.write("\n")
