"""Reference fixtures for emforge's discrete-chain (HMM) executor: test/peers/hmm/<name>.json.

Independent of emforge: simulates each data set with numpy (seeded), then computes in LOG
SPACE (logsumexp recursions; emforge scales instead) the forward algorithm's log-likelihood at
given parameters, and runs 20 Baum-Welch iterations (E-step by log-space forward-backward,
closed-form M-steps) from given initial parameters, recording the parameters and the
log-likelihood after every iteration. Run from the repository root:

    /usr/bin/python3 test/peers/hmm/make_hmm.py

Data sets (one file each):
  categorical  K=2 (the dishonest casino), M=6 faces, 50 sequences of 100-500 rolls
  gaussian     K=3 Normal emissions, 50 sequences of 100-500 steps (values rounded to 1e-6)
  mvnormal     K=2 MvNormal emissions in D=2, 12 sequences of 30-120 steps
  mixture      K=2 states, each a 2-component Normal mixture (a second per-step latent)
  poisson      K=2 Poisson emissions, 12 sequences
  missing      K=2 Normal emissions, 12 sequences, 15% of the steps missing (null)

Each file: `model` (the .em source the fixture is for), `data`, `truth` (generating
parameters), `loglik_truth`, `initial` and `loglik_initial`, and `baum_welch` = { iterations,
params (after the last iteration), loglik (at the initial parameters, then after each
iteration) }. Iteration = one E-step then one M-step, as emforge's driver counts M-steps.
"""

import json
import os

import numpy as np
from scipy.special import gammaln, logsumexp

OUT = os.path.dirname(os.path.abspath(__file__))
LOG_2PI = np.log(2 * np.pi)


# ----------------------------------------------------------------------------- models


def header(name, emission_decls, per_step):
    return (
        f"model hmm_{name} {{\n  size S\n  size T[S]\n{emission_decls}"
        "  param  init: simplex[K]\n  param  trans[K]: simplex[K]\n"
        "  for s in S {\n    h[s][0] ~ Categorical(init)\n"
        "    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }\n"
        f"    for t in T[s] {{\n{per_step}    }}\n  }}\n}}\n"
    )


MODELS = {
    "categorical": header(
        "categorical",
        "  size K = 2\n  size M = 6\n  data   y[S][T]: cat[M]\n  latent h[S][T]: cat[K]\n  param  emit[K]: simplex[M]\n",
        "      y[s][t] ~ Categorical(emit[h[s][t]])\n",
    ),
    "gaussian": header(
        "gaussian",
        "  size K = 3\n  data   y[S][T]: real\n  latent h[S][T]: cat[K]\n  param  mu[K]: real\n  param  sd[K]: positive\n",
        "      y[s][t] ~ Normal(mu[h[s][t]], sd[h[s][t]])\n",
    ),
    "mvnormal": header(
        "mvnormal",
        "  size K = 2\n  size D = 2\n  data   y[S][T]: real[D]\n  latent h[S][T]: cat[K]\n"
        "  param  mu[K]: real[D]\n  param  Sigma[K]: cov[D]\n",
        "      y[s][t] ~ MvNormal(mu[h[s][t]], Sigma[h[s][t]])\n",
    ),
    "mixture": header(
        "mixture",
        "  size K = 2\n  size C = 2\n  data   y[S][T]: real\n  latent h[S][T]: cat[K]\n  latent m[S][T]: cat[C]\n"
        "  param  mixw[K]: simplex[C]\n  param  mu[K][C]: real\n  param  sd[K][C]: positive\n",
        "      m[s][t] ~ Categorical(mixw[h[s][t]])\n"
        "      y[s][t] ~ Normal(mu[h[s][t]][m[s][t]], sd[h[s][t]][m[s][t]])\n",
    ),
    "poisson": header(
        "poisson",
        "  size K = 2\n  data   y[S][T]: count\n  latent h[S][T]: cat[K]\n  param  rate[K]: positive\n",
        "      y[s][t] ~ Poisson(rate[h[s][t]])\n",
    ),
    "missing": header(
        "missing",
        "  size K = 2\n  data   y[S][T]: real?\n  latent h[S][T]: cat[K]\n  param  mu[K]: real\n  param  sd[K]: positive\n",
        "      y[s][t] ~ Normal(mu[h[s][t]], sd[h[s][t]])\n",
    ),
}


# ----------------------------------------------------------------------------- emissions


def log_normal(y, mu, sd):
    return -0.5 * (LOG_2PI + ((y - mu) / sd) ** 2) - np.log(sd)


def log_mvnormal(y, mu, cov):
    d = len(mu)
    chol = np.linalg.cholesky(cov)
    z = np.linalg.solve(chol, (y - mu).T)
    return -0.5 * (d * LOG_2PI + 2 * np.sum(np.log(np.diag(chol))) + np.sum(z**2, axis=0))


def component_logs(kind, p, y):
    """Per step, state and per-step component: log p(component, y | state), shape [L, K, C]."""
    if kind == "categorical":
        return np.log(np.asarray(p["emit"]))[:, y].T[:, :, None]
    if kind in ("gaussian", "missing"):
        mu, sd = np.asarray(p["mu"]), np.asarray(p["sd"])
        out = log_normal(np.asarray(y, float)[:, None], mu[None, :], sd[None, :])[:, :, None]
        if kind == "missing":
            out[np.isnan(np.asarray(y, float))] = 0.0
        return out
    if kind == "poisson":
        rate = np.asarray(p["rate"])
        yy = np.asarray(y, float)[:, None]
        return (yy * np.log(rate[None, :]) - rate[None, :] - gammaln(yy + 1))[:, :, None]
    if kind == "mvnormal":
        yy = np.asarray(y, float)
        return np.stack([log_mvnormal(yy, np.asarray(m), np.asarray(c)) for m, c in zip(p["mu"], p["Sigma"])], 1)[
            :, :, None
        ]
    if kind == "mixture":
        yy = np.asarray(y, float)[:, None, None]
        mu, sd, w = (np.asarray(p[k]) for k in ("mu", "sd", "mixw"))
        return np.log(w)[None] + log_normal(yy, mu[None], sd[None])
    raise ValueError(kind)


# ----------------------------------------------------------------------------- forward-backward


def forward_backward(log_b, log_init, log_trans):
    """Log-space recursions. log_b: [L, K]. Returns loglik, gamma [L, K], xi summed [K, K]."""
    L, K = log_b.shape
    la = np.empty((L, K))
    la[0] = log_init + log_b[0]
    for t in range(1, L):
        la[t] = logsumexp(la[t - 1][:, None] + log_trans, axis=0) + log_b[t]
    ll = logsumexp(la[-1])
    lb = np.zeros((L, K))
    for t in range(L - 2, -1, -1):
        lb[t] = logsumexp(log_trans + (log_b[t + 1] + lb[t + 1])[None, :], axis=1)
    gamma = np.exp(la + lb - ll)
    xi = np.zeros((K, K))
    for t in range(L - 1):
        xi += np.exp(la[t][:, None] + log_trans + (log_b[t + 1] + lb[t + 1])[None, :] - ll)
    return ll, gamma, xi


def e_step(kind, p, seqs):
    log_init, log_trans = np.log(np.asarray(p["init"])), np.log(np.asarray(p["trans"]))
    total, first, xis, resp = 0.0, [], 0.0, []
    for y in seqs:
        comp = component_logs(kind, p, y)
        log_b = logsumexp(comp, axis=2)
        ll, gamma, xi = forward_backward(log_b, log_init, log_trans)
        total += ll
        first.append(gamma[0])
        xis = xis + xi
        resp.append(gamma[:, :, None] * np.exp(comp - log_b[:, :, None]))  # [L, K, C]
    return total, np.asarray(first), xis, resp


def m_step(kind, p, seqs, first, xis, resp):
    out = {"init": first.sum(0) / first.sum(), "trans": xis / xis.sum(1, keepdims=True)}
    r = np.concatenate(resp)  # [n, K, C]
    if kind == "categorical":
        y = np.concatenate(seqs)
        g = r[:, :, 0]
        counts = np.stack([g[y == m].sum(0) for m in range(len(p["emit"][0]))], 1)
        out["emit"] = counts / counts.sum(1, keepdims=True)
    elif kind in ("gaussian", "missing", "poisson"):
        y = np.concatenate([np.asarray(s, float) for s in seqs])
        g = r[:, :, 0]
        keep = ~np.isnan(y)
        y, g = y[keep], g[keep]
        mean = (g * y[:, None]).sum(0) / g.sum(0)
        if kind == "poisson":
            out["rate"] = mean
        else:
            out["mu"] = mean
            out["sd"] = np.sqrt((g * (y[:, None] - mean[None]) ** 2).sum(0) / g.sum(0))
    elif kind == "mvnormal":
        y = np.concatenate([np.asarray(s, float) for s in seqs])
        g = r[:, :, 0]
        mus, covs = [], []
        for k in range(g.shape[1]):
            w = g[:, k]
            mu = (w[:, None] * y).sum(0) / w.sum()
            dev = y - mu
            mus.append(mu)
            covs.append((w[:, None, None] * dev[:, :, None] * dev[:, None, :]).sum(0) / w.sum())
        out["mu"], out["Sigma"] = np.asarray(mus), np.asarray(covs)
    elif kind == "mixture":
        y = np.concatenate([np.asarray(s, float) for s in seqs])[:, None, None]
        tot = r.sum(0)
        out["mixw"] = tot / tot.sum(1, keepdims=True)
        out["mu"] = (r * y).sum(0) / tot
        out["sd"] = np.sqrt((r * (y - out["mu"][None]) ** 2).sum(0) / tot)
    return {k: np.asarray(v).tolist() for k, v in out.items()}


def loglik(kind, p, seqs):
    return e_step(kind, p, seqs)[0]


def baum_welch(kind, p, seqs, iterations):
    history = [loglik(kind, p, seqs)]
    for _ in range(iterations):
        _, first, xis, resp = e_step(kind, p, seqs)
        p = m_step(kind, p, seqs, first, xis, resp)
        history.append(loglik(kind, p, seqs))
    return p, history


# ----------------------------------------------------------------------------- simulation


def simulate(kind, truth, n_seq, lo, hi, rng, missing=0.0):
    init, trans = np.asarray(truth["init"]), np.asarray(truth["trans"])
    seqs, states = [], []
    for _ in range(n_seq):
        L = int(rng.integers(lo, hi + 1))
        h = np.empty(L, int)
        h[0] = rng.choice(len(init), p=init)
        for t in range(1, L):
            h[t] = rng.choice(len(init), p=trans[h[t - 1]])
        if kind == "categorical":
            y = [int(rng.choice(len(truth["emit"][0]), p=truth["emit"][k])) for k in h]
        elif kind in ("gaussian", "missing"):
            y = [round(float(rng.normal(truth["mu"][k], truth["sd"][k])), 6) for k in h]
            if kind == "missing":
                y = [None if rng.random() < missing else v for v in y]
        elif kind == "poisson":
            y = [int(rng.poisson(truth["rate"][k])) for k in h]
        elif kind == "mvnormal":
            y = [[round(float(v), 6) for v in rng.multivariate_normal(truth["mu"][k], truth["Sigma"][k])] for k in h]
        elif kind == "mixture":
            y = []
            for k in h:
                c = rng.choice(len(truth["mixw"][k]), p=truth["mixw"][k])
                y.append(round(float(rng.normal(truth["mu"][k][c], truth["sd"][k][c])), 6))
        seqs.append(y)
        states.append(h.tolist())
    return seqs, states


def as_numeric(kind, seqs):
    if kind == "missing":
        return [np.asarray([np.nan if v is None else v for v in s], float) for s in seqs]
    if kind == "categorical":
        return [np.asarray(s, int) for s in seqs]
    return [np.asarray(s, float) for s in seqs]


CASES = {
    "categorical": dict(
        seed=20240701,
        n_seq=50,
        lengths=(100, 500),
        truth=dict(
            init=[0.8, 0.2],
            trans=[[0.95, 0.05], [0.1, 0.9]],
            emit=[[1 / 6] * 6, [0.1, 0.1, 0.1, 0.1, 0.1, 0.5]],
        ),
        initial=dict(
            init=[0.5, 0.5],
            trans=[[0.8, 0.2], [0.3, 0.7]],
            emit=[[0.2, 0.2, 0.2, 0.15, 0.15, 0.1], [0.1, 0.1, 0.15, 0.15, 0.2, 0.3]],
        ),
    ),
    "gaussian": dict(
        seed=20240702,
        n_seq=50,
        lengths=(100, 500),
        truth=dict(
            init=[0.5, 0.3, 0.2],
            trans=[[0.9, 0.07, 0.03], [0.05, 0.9, 0.05], [0.04, 0.06, 0.9]],
            mu=[-2.0, 0.5, 3.0],
            sd=[0.7, 0.5, 1.0],
        ),
        initial=dict(
            init=[0.4, 0.3, 0.3],
            trans=[[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]],
            mu=[-1.0, 0.0, 2.0],
            sd=[1.0, 1.0, 1.0],
        ),
    ),
    "mvnormal": dict(
        seed=20240703,
        n_seq=12,
        lengths=(30, 120),
        truth=dict(
            init=[0.6, 0.4],
            trans=[[0.85, 0.15], [0.2, 0.8]],
            mu=[[0.0, 0.0], [2.0, 1.0]],
            Sigma=[[[1.0, 0.3], [0.3, 0.5]], [[0.6, -0.2], [-0.2, 0.8]]],
        ),
        initial=dict(
            init=[0.5, 0.5],
            trans=[[0.7, 0.3], [0.3, 0.7]],
            mu=[[0.5, -0.5], [1.5, 1.5]],
            Sigma=[[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]],
        ),
    ),
    "mixture": dict(
        seed=20240704,
        n_seq=12,
        lengths=(30, 120),
        truth=dict(
            init=[0.5, 0.5],
            trans=[[0.9, 0.1], [0.15, 0.85]],
            mixw=[[0.6, 0.4], [0.3, 0.7]],
            mu=[[-3.0, -1.0], [1.0, 3.0]],
            sd=[[0.5, 0.6], [0.7, 0.4]],
        ),
        initial=dict(
            init=[0.5, 0.5],
            trans=[[0.8, 0.2], [0.2, 0.8]],
            mixw=[[0.5, 0.5], [0.5, 0.5]],
            mu=[[-2.5, -0.5], [0.5, 2.5]],
            sd=[[1.0, 1.0], [1.0, 1.0]],
        ),
    ),
    "poisson": dict(
        seed=20240705,
        n_seq=12,
        lengths=(30, 120),
        truth=dict(init=[0.7, 0.3], trans=[[0.9, 0.1], [0.2, 0.8]], rate=[2.0, 9.0]),
        initial=dict(init=[0.5, 0.5], trans=[[0.7, 0.3], [0.3, 0.7]], rate=[3.0, 6.0]),
    ),
    "missing": dict(
        seed=20240706,
        n_seq=12,
        lengths=(30, 120),
        missing=0.15,
        truth=dict(init=[0.5, 0.5], trans=[[0.9, 0.1], [0.1, 0.9]], mu=[-1.0, 1.5], sd=[0.8, 0.6]),
        initial=dict(init=[0.5, 0.5], trans=[[0.7, 0.3], [0.3, 0.7]], mu=[-0.5, 0.5], sd=[1.0, 1.0]),
    ),
}


def main():
    for name, case in CASES.items():
        rng = np.random.default_rng(case["seed"])
        seqs, states = simulate(name, case["truth"], case["n_seq"], *case["lengths"], rng, case.get("missing", 0.0))
        numeric = as_numeric(name, seqs)
        params, history = baum_welch(name, case["initial"], numeric, 20)
        fixture = {
            "model": MODELS[name],
            "generator": {
                "seed": case["seed"],
                "sequences": case["n_seq"],
                "lengths": list(case["lengths"]),
                "numpy": np.__version__,
                "script": "test/peers/hmm/make_hmm.py",
            },
            "data": {"y": seqs},
            "states": states,
            "truth": case["truth"],
            "loglik_truth": loglik(name, case["truth"], numeric),
            "initial": case["initial"],
            "loglik_initial": history[0],
            "baum_welch": {"iterations": 20, "params": params, "loglik": history},
        }
        path = os.path.join(OUT, f"{name}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
        os.replace(path + ".tmp", path)
        print(f"{name}: {sum(map(len, seqs))} steps, loglik(truth) = {fixture['loglik_truth']!r}, "
              f"after 20 BW iterations {history[-1]!r}")


if __name__ == "__main__":
    main()
