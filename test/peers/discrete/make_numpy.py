#!/usr/bin/python3
"""Discrete-mixture fixtures with an independent reference: test/peers/discrete/<name>.json.

Run from anywhere:  /usr/bin/python3 test/peers/discrete/make_numpy.py   (numpy + scipy only)
then            :  Rscript test/peers/discrete/make_flexmix.R               (adds <name>.flexmix.json)

Data sets are simulated here with fixed seeds and stored inline:
  poisson_k3     x[n] ~ Poisson(rate[z[n]]),                     K=3, N=1000
  bernoulli_k3   x[n][j] ~ Bernoulli(prob[z[n]][j]), J=8 items,   K=3, N=1000  (latent class)
  binomial_k3    x[n] ~ Binomial(trials=20, prob[z[n]]),          K=3, N=600
  categorical_k3 x[n][j] ~ Categorical(prob[z[n]][j]), J=5 items of 4 categories, K=3, N=1000
z[n] ~ Categorical(weights) in every model.

Reference: the best log-likelihood over 50 restarts of a plain numpy EM written below (random
starts: weights ~ Dirichlet(1), rates = random data values + 0.5, probabilities ~ U(0.2, 0.8) /
Dirichlet(1) rows; E-step in log space with logsumexp, closed-form M-step; stop when the relative
change of the log-likelihood is below 1e-13 or after 20000 iterations). The log-likelihood is the
full observed-data one with every constant: Poisson includes -log(x!), Binomial includes
log C(trials, x). Components of the best fit are sorted (see "label_order").
"""
import os

import numpy as np
import scipy
from scipy.special import gammaln, logsumexp

HERE = os.path.dirname(os.path.abspath(__file__))
RESTARTS = 50
MAX_ITER = 20000
REL_TOL = 1e-13


def dump(path, obj):
    import json
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, allow_nan=False)
        f.write("\n")


# ----------------------------------------------------------------------------- per-family log p(x_n | z_n = k)
def comp_logp(family, x, theta, trials=None):
    if family == "poisson":
        lam = theta["rates"]
        return x[:, None] * np.log(lam)[None, :] - lam[None, :] - gammaln(x + 1.0)[:, None]
    if family == "binomial":
        p = theta["probs"]
        lc = gammaln(trials + 1.0) - gammaln(x + 1.0) - gammaln(trials - x + 1.0)
        return lc[:, None] + x[:, None] * np.log(p)[None, :] + (trials - x)[:, None] * np.log1p(-p)[None, :]
    if family == "bernoulli":
        p = theta["probs"]  # K x J
        return x @ np.log(p).T + (1.0 - x) @ np.log1p(-p).T
    if family == "categorical":
        p = theta["probs"]  # K x J x C ; x: N x J integer codes
        onehot = np.eye(p.shape[2])[x]  # N x J x C
        return np.einsum("njc,kjc->nk", onehot, np.log(p))
    raise ValueError(family)


def loglik(family, x, w, theta, trials=None):
    return float(logsumexp(np.log(w)[None, :] + comp_logp(family, x, theta, trials), axis=1).sum())


def m_step(family, x, r, trials=None):
    nk = r.sum(0)
    if family == "poisson":
        return {"rates": (r.T @ x) / nk}
    if family == "binomial":
        return {"probs": (r.T @ x) / (nk * trials)}
    if family == "bernoulli":
        return {"probs": (r.T @ x) / nk[:, None]}
    if family == "categorical":
        onehot = np.eye(int(x.max()) + 1)[x]
        counts = np.einsum("nk,njc->kjc", r, onehot)
        return {"probs": counts / counts.sum(2, keepdims=True)}
    raise ValueError(family)


def random_start(family, x, k, rng, shape):
    w = rng.dirichlet(np.ones(k))
    if family == "poisson":
        return w, {"rates": rng.choice(x, size=k, replace=False) + 0.5}
    if family == "binomial":
        return w, {"probs": rng.uniform(0.2, 0.8, size=k)}
    if family == "bernoulli":
        return w, {"probs": rng.uniform(0.2, 0.8, size=(k, shape[1]))}
    if family == "categorical":
        return w, {"probs": rng.dirichlet(np.ones(shape[2]), size=(k, shape[1]))}
    raise ValueError(family)


def em(family, x, w, theta, trials=None):
    prev = -np.inf
    for it in range(1, MAX_ITER + 1):
        lp = np.log(w)[None, :] + comp_logp(family, x, theta, trials)
        lse = logsumexp(lp, axis=1, keepdims=True)
        ll = float(lse.sum())  # log-likelihood at the parameters before this M-step
        r = np.exp(lp - lse)
        w = r.sum(0) / x.shape[0]
        theta = m_step(family, x, r, trials)
        if ll - prev < REL_TOL * abs(ll):
            break
        prev = ll
    return w, theta, loglik(family, x, w, theta, trials), it


def best_of_restarts(family, x, k, seed, shape, trials=None):
    rng = np.random.default_rng(seed)
    fits = []
    for _ in range(RESTARTS):
        w0, th0 = random_start(family, x, k, rng, shape)
        fits.append(em(family, x, w0, th0, trials))
    lls = np.array([f[2] for f in fits])
    best = fits[int(np.argmax(lls))]
    return best, lls


def sort_key(family, w, theta):
    if family in ("poisson",):
        return np.argsort(theta["rates"]), "ascending rate"
    if family == "binomial":
        return np.argsort(theta["probs"]), "ascending success probability"
    return np.argsort(-w), "descending weight"


# ----------------------------------------------------------------------------- data sets
def simulate(name):
    if name == "poisson_k3":
        rng = np.random.default_rng(20240611)
        w = np.array([0.4, 0.35, 0.25]); rates = np.array([1.5, 6.0, 15.0])
        z = rng.choice(3, 1000, p=w)
        x = rng.poisson(rates[z]).astype(float)
        return "poisson", x, 3, {"weights": w.tolist(), "rates": rates.tolist()}, None
    if name == "binomial_k3":
        rng = np.random.default_rng(20240612)
        w = np.array([0.3, 0.45, 0.25]); p = np.array([0.15, 0.5, 0.8])
        z = rng.choice(3, 600, p=w)
        x = rng.binomial(20, p[z]).astype(float)
        return "binomial", x, 3, {"weights": w.tolist(), "probs": p.tolist(), "trials": 20}, 20.0
    if name == "bernoulli_k3":
        rng = np.random.default_rng(20240613)
        w = np.array([0.5, 0.3, 0.2])
        p = np.array([[0.9, 0.85, 0.8, 0.75, 0.2, 0.15, 0.1, 0.3],
                      [0.1, 0.2, 0.3, 0.15, 0.85, 0.9, 0.8, 0.7],
                      [0.8, 0.75, 0.2, 0.1, 0.85, 0.8, 0.25, 0.5]])
        z = rng.choice(3, 1000, p=w)
        x = (rng.uniform(size=(1000, 8)) < p[z]).astype(float)
        return "bernoulli", x, 3, {"weights": w.tolist(), "probs": p.tolist()}, None
    if name == "categorical_k3":
        rng = np.random.default_rng(20240614)
        w = np.array([0.45, 0.35, 0.2])
        p = rng.dirichlet(np.full(4, 0.7), size=(3, 5))
        z = rng.choice(3, 1000, p=w)
        x = np.array([[rng.choice(4, p=p[z[i], j]) for j in range(5)] for i in range(1000)])
        return "categorical", x, 3, {"weights": w.tolist(), "probs": p.tolist()}, None
    raise ValueError(name)


def main():
    for name, seed in [("poisson_k3", 1), ("bernoulli_k3", 2), ("binomial_k3", 3), ("categorical_k3", 4)]:
        family, x, k, truth, trials = simulate(name)
        shape = x.shape if family != "categorical" else (x.shape[0], x.shape[1], int(x.max()) + 1)
        (w, theta, ll, iters), lls = best_of_restarts(family, x, k, seed, shape, trials)
        order, rule = sort_key(family, w, theta)
        w = w[order]
        theta = {key: v[order] for key, v in theta.items()}
        assert abs(loglik(family, x, w, theta, trials) - ll) <= 1e-9 * abs(ll)
        xs = x.astype(int).tolist()
        fixture = {
            "kind": "discrete_mixture",
            "family": family,
            "reference": "numpy EM, best of restarts (this script)",
            "numpy_version": np.__version__,
            "scipy_version": scipy.__version__,
            "generated_by": "/usr/bin/python3 test/peers/discrete/make_numpy.py",
            "dataset": name,
            "k": k,
            "n": int(x.shape[0]),
            "data": {"x": xs, "generating_parameters": truth,
                     "generator": f"numpy default_rng, see simulate('{name}') in make_numpy.py"},
            "notes": {
                "loglik": "total observed-data log-likelihood sum_n log sum_k w_k p(x_n | theta_k), natural log, "
                "with every normalising constant (-log x! for Poisson, log C(trials, x) for Binomial).",
                "reference": f"best of {RESTARTS} random restarts of a plain numpy EM (stop at relative change "
                f"< {REL_TOL} or {MAX_ITER} iterations); loglik evaluated at the returned parameters.",
                "label_order": f"components sorted by {rule}",
            },
            "best": {"loglik": ll, "weights": w.tolist(), **{key: v.tolist() for key, v in theta.items()},
                     "iterations": int(iters)},
            "restarts": {"count": RESTARTS, "seed": seed,
                         "within_1e-6_of_best": int(np.sum(lls >= ll - 1e-6 * abs(ll))),
                         "logliks_sorted_desc": sorted(lls.tolist(), reverse=True)[:10]},
        }
        if trials is not None:
            fixture["data"]["trials"] = int(trials)
        out = os.path.join(HERE, f"{name}.json")
        dump(out, fixture)
        print(f"{out}: best loglik {ll!r}, {fixture['restarts']['within_1e-6_of_best']}/{RESTARTS} restarts reach it")


if __name__ == "__main__":
    main()
