"""Reference fixtures for Gaussian data with missing entries (issue 5, "Missing data"), from an
EM written here independently of emforge: plain numpy, one row at a time, uncentred moments.

Writes
  test/peers/missing/mvn_mcar.json        MVN, N=500, D=4, 20% of the entries missing (MCAR),
                                          data inline; EM path from given initial values and
                                          the converged MLE
  test/peers/missing/mvn_example.json     the MLE for examples/mvn-missing/data.json
  test/peers/missing/gmm_mcar.json        K=3 Gaussian mixture on examples/gmm-missing/data.json:
                                          EM path from given initial values and its limit
  examples/gmm-missing/data.json, truth.json   the simulated mixture data (N=3000, D=3, 20% MCAR)

Run from the repository root:  /usr/bin/python3 test/peers/missing/make_missing.py

The E-step per row: with o the observed and m the missing coordinates,
  E[x_m | x_o] = mu_m + S_mo S_oo^-1 (x_o - mu_o),  Cov[x_m | x_o] = S_mm - S_mo S_oo^-1 S_om,
computed with numpy.linalg.solve; E[x x^T] = xhat xhat^T + Cov (on m x m). The M-step uses
uncentred moments: mu = sum E[x] / n, Sigma = sum E[x x^T] / n - mu mu^T (per component with
weights r[n,k] for the mixture). The log-likelihood is sum_n log p(x_n,o), each term from
scipy.stats.multivariate_normal.logpdf on the observed sub-vector (logsumexp over components
for the mixture). Rows with every entry missing contribute nothing. One "iteration" is one
E-step then one M-step, so the parameters after t iterations are those after t M-steps from
the initial values (emforge's counting).
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
CHECKPOINTS = [1, 2, 5, 10]


def versions():
    return {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__}


def tolist(a):
    return np.asarray(a).tolist()


def with_nulls(x):
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def mcar(rng, x, fraction):
    """Exactly round(fraction * N * D) entries, a uniformly random subset, set to NaN."""
    n, d = x.shape
    cells = rng.choice(n * d, size=int(round(fraction * n * d)), replace=False)
    out = x.copy()
    out.flat[cells] = np.nan
    return out


# ----------------------------------------------------------------------------- one Gaussian
def conditional(x_row, mu, sigma):
    """(xhat, C, o, m): the completed row, the conditional covariance on m, the index sets."""
    obs = ~np.isnan(x_row)
    o = np.flatnonzero(obs)
    m = np.flatnonzero(~obs)
    xhat = x_row.copy()
    c = np.zeros((len(m), len(m)))
    if len(m) > 0:
        s_oo = sigma[np.ix_(o, o)]
        s_mo = sigma[np.ix_(m, o)]
        b = np.linalg.solve(s_oo, s_mo.T).T
        xhat[m] = mu[m] + b @ (x_row[o] - mu[o])
        c = sigma[np.ix_(m, m)] - b @ s_mo.T
    return xhat, c, o, m


def row_logpdf(x_row, mu, sigma):
    o = np.flatnonzero(~np.isnan(x_row))
    return multivariate_normal.logpdf(x_row[o], mean=mu[o], cov=sigma[np.ix_(o, o)])


def mvn_loglik(x, mu, sigma):
    return float(sum(row_logpdf(row, mu, sigma) for row in x if not np.all(np.isnan(row))))


def mvn_em_step(x, mu, sigma):
    d = x.shape[1]
    s1 = np.zeros(d)
    s2 = np.zeros((d, d))
    n = 0
    for row in x:
        if np.all(np.isnan(row)):
            continue
        xhat, c, _, m = conditional(row, mu, sigma)
        s1 += xhat
        s2 += np.outer(xhat, xhat)
        s2[np.ix_(m, m)] += c
        n += 1
    mu_new = s1 / n
    sigma_new = s2 / n - np.outer(mu_new, mu_new)
    return mu_new, (sigma_new + sigma_new.T) / 2


def mvn_em(x, mu, sigma, max_iter=100000, tol=1e-14):
    """Iterates until no entry of mu or Sigma moves by more than tol (relative to its scale)."""
    for t in range(1, max_iter + 1):
        mu_new, sigma_new = mvn_em_step(x, mu, sigma)
        change = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(sigma_new - sigma)))
        mu, sigma = mu_new, sigma_new
        if change < tol * max(1.0, np.max(np.abs(sigma))):
            return mu, sigma, t
    raise RuntimeError("MVN EM did not converge")


def observed_start(x):
    """Column means and variances (ddof 0) of the observed entries: diagonal initial covariance."""
    mu = np.nanmean(x, axis=0)
    var = np.nanvar(x, axis=0)
    return mu, np.diag(var)


def mvn_fixture(x, meta):
    mu0, sigma0 = observed_start(x)
    path = []
    mu, sigma = mu0, sigma0
    for t in range(1, max(CHECKPOINTS) + 1):
        mu, sigma = mvn_em_step(x, mu, sigma)
        if t in CHECKPOINTS:
            path.append({"iterations": t, "mu": tolist(mu), "Sigma": tolist(sigma), "loglik": mvn_loglik(x, mu, sigma)})
    mu_hat, sigma_hat, iters = mvn_em(x, mu0, sigma0)
    mu_next, sigma_next = mvn_em_step(x, mu_hat, sigma_hat)
    ll = mvn_loglik(x, mu_hat, sigma_hat)
    ll_at_truth = mvn_loglik(x, np.array(meta["mu"]), np.array(meta["Sigma"])) if "mu" in meta else None
    out = {
        "n": int(x.shape[0]),
        "d": int(x.shape[1]),
        "missing_entries": int(np.isnan(x).sum()),
        "empty_rows": int(np.all(np.isnan(x), axis=1).sum()),
        "patterns": int(len({tuple(r) for r in np.isnan(x)})),
        "initial": {"mu": tolist(mu0), "Sigma": tolist(sigma0), "loglik": mvn_loglik(x, mu0, sigma0)},
        "path": path,
        "mle": {
            "mu": tolist(mu_hat),
            "Sigma": tolist(sigma_hat),
            "loglik": ll,
            "iterations": iters,
            "fixed_point_residual": float(max(np.max(np.abs(mu_next - mu_hat)), np.max(np.abs(sigma_next - sigma_hat)))),
        },
    }
    if ll_at_truth is not None:
        out["loglik_at_generating"] = ll_at_truth
    return out


# ----------------------------------------------------------------------------- mixture
def gmm_row_terms(row, w, mus, sigmas):
    """log w_k + log N(x_o | mu_k,o, Sigma_k,oo) per component, by scipy (for reported values)."""
    return np.array([np.log(w[k]) + row_logpdf(row, mus[k], sigmas[k]) for k in range(len(w))])


def gmm_row_terms_direct(row, w, mus, sigmas):
    """The same by slogdet and solve (faster, used inside the EM steps)."""
    o = np.flatnonzero(~np.isnan(row))
    out = np.empty(len(w))
    for k in range(len(w)):
        s = sigmas[k][np.ix_(o, o)]
        r = row[o] - mus[k][o]
        _, logdet = np.linalg.slogdet(s)
        out[k] = np.log(w[k]) - 0.5 * (len(o) * np.log(2 * np.pi) + logdet + r @ np.linalg.solve(s, r))
    return out


def gmm_loglik(x, w, mus, sigmas):
    return float(sum(logsumexp(gmm_row_terms(r, w, mus, sigmas)) for r in x if not np.all(np.isnan(r))))


def gmm_em_step(x, w, mus, sigmas):
    k_count, d = mus.shape
    s0 = np.zeros(k_count)
    s1 = np.zeros((k_count, d))
    s2 = np.zeros((k_count, d, d))
    for row in x:
        if np.all(np.isnan(row)):
            continue
        terms = gmm_row_terms_direct(row, w, mus, sigmas)
        r = np.exp(terms - logsumexp(terms))
        for k in range(k_count):
            xhat, c, _, m = conditional(row, mus[k], sigmas[k])
            s0[k] += r[k]
            s1[k] += r[k] * xhat
            s2[k] += r[k] * np.outer(xhat, xhat)
            s2[k][np.ix_(m, m)] += r[k] * c
    w_new = s0 / s0.sum()
    mus_new = s1 / s0[:, None]
    sigmas_new = np.array([s2[k] / s0[k] - np.outer(mus_new[k], mus_new[k]) for k in range(k_count)])
    return w_new, mus_new, (sigmas_new + np.transpose(sigmas_new, (0, 2, 1))) / 2


def gmm_fixture(x, w0, mus0, sigmas0, max_iter=5000, tol=1e-12):
    """The EM path from (w0, mus0, sigmas0): checkpoints, then iterated until no entry moves by tol."""
    path = []
    w, mus, sigmas = w0, mus0, sigmas0
    for t in range(1, max_iter + 1):
        w2, mus2, sigmas2 = gmm_em_step(x, w, mus, sigmas)
        change = max(np.max(np.abs(w2 - w)), np.max(np.abs(mus2 - mus)), np.max(np.abs(sigmas2 - sigmas)))
        w, mus, sigmas = w2, mus2, sigmas2
        if t in CHECKPOINTS:
            ll = gmm_loglik(x, w, mus, sigmas)
            path.append({"iterations": t, "weights": tolist(w), "means": tolist(mus), "covariances": tolist(sigmas), "loglik": ll})
        if t > max(CHECKPOINTS) and change < tol:
            break
    else:
        raise RuntimeError("mixture EM did not converge")
    return {
        "initial": {"weights": tolist(w0), "means": tolist(mus0), "covariances": tolist(sigmas0), "loglik": gmm_loglik(x, w0, mus0, sigmas0)},
        "path": path,
        "limit": {
            "weights": tolist(w),
            "means": tolist(mus),
            "covariances": tolist(sigmas),
            "loglik": gmm_loglik(x, w, mus, sigmas),
            "iterations": t,
            "last_change": float(change),
        },
    }


def rotation(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def write_rows_json(path, name, rows):
    """A data file with one row per line, as the other examples' data.json."""
    lines = ",\n".join("    " + json.dumps(r) for r in rows)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write('{\n  "%s": [\n%s\n  ]\n}\n' % (name, lines))
    os.replace(tmp, path)


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main():
    # MVN, N=500, D=4, 20% MCAR.
    rng = np.random.default_rng(20240621)
    mu = np.array([1.0, -1.0, 0.5, 2.0])
    sigma = np.array([
        [1.0, 0.6, 0.3, 0.0],
        [0.6, 2.0, 0.5, 0.4],
        [0.3, 0.5, 1.5, -0.3],
        [0.0, 0.4, -0.3, 1.0],
    ])
    complete = np.round(rng.multivariate_normal(mu, sigma, size=500), 4)
    x = mcar(rng, complete, 0.2)
    fixture = {
        "description": "MVN N=500 D=4, 20% of entries MCAR; independent numpy EM (test/peers/missing/make_missing.py)",
        "versions": versions(),
        "seed": 20240621,
        "generating": {"mu": tolist(mu), "Sigma": tolist(sigma)},
        "data": {"x": with_nulls(x)},
        **mvn_fixture(x, {"mu": mu, "Sigma": sigma}),
    }
    write_json(os.path.join(HERE, "mvn_mcar.json"), fixture)

    # The MLE of the mvn-missing example (its data as committed).
    with open(os.path.join(ROOT, "examples", "mvn-missing", "data.json")) as f:
        ex = np.array([[np.nan if v is None else v for v in row] for row in json.load(f)["x"]], dtype=float)
    example = mvn_fixture(ex, {})
    example = {
        "description": "MLE of examples/mvn-missing/data.json by the independent numpy EM",
        "versions": versions(),
        "data": {"source": "examples/mvn-missing/data.json", "n": int(ex.shape[0]), "column_sums": tolist(np.nansum(ex, axis=0))},
        **example,
    }
    write_json(os.path.join(HERE, "mvn_example.json"), example)

    # Gaussian mixture K=3, D=3, N=3000, 20% MCAR: the gmm-missing example's data.
    rng = np.random.default_rng(20240622)
    w = np.array([0.5, 0.3, 0.2])
    mus = np.array([[0.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.0, 4.0, 4.0]])
    sigmas = []
    for scales in ([1.0, 0.7, 0.5], [0.6, 1.2, 0.8], [0.9, 0.8, 0.5]):
        q = rotation(rng, 3)
        sigmas.append(q @ np.diag(np.square(scales)) @ q.T)
    sigmas = np.round(np.array(sigmas), 4)
    n = 3000
    z = rng.choice(3, size=n, p=w)
    complete = np.round(np.array([rng.multivariate_normal(mus[k], sigmas[k]) for k in z]), 4)
    gx = mcar(rng, complete, 0.2)
    example_dir = os.path.join(ROOT, "examples", "gmm-missing")
    os.makedirs(example_dir, exist_ok=True)
    write_rows_json(os.path.join(example_dir, "data.json"), "x", with_nulls(gx))
    write_json(
        os.path.join(example_dir, "truth.json"),
        {
            "weights": tolist(w),
            "mu": tolist(mus),
            "Sigma": tolist(sigmas),
            "missingFraction": 0.2,
            "simulatedBy": "test/peers/missing/make_missing.py (numpy default_rng seed 20240622)",
            "componentSizes": tolist(np.bincount(z, minlength=3)),
        },
    )
    # Initial values: uniform weights, means a fixed offset from the generating ones, identity covariances.
    w0 = np.full(3, 1 / 3)
    mus0 = mus + np.array([[0.5, -0.5, 0.3], [-0.4, 0.3, 0.5], [0.3, 0.4, -0.6]])
    sigmas0 = np.array([np.eye(3)] * 3)
    gmm = gmm_fixture(gx, w0, mus0, sigmas0)
    gmm = {
        "description": "K=3 Gaussian mixture, N=3000 D=3, 20% MCAR; independent numpy EM (test/peers/missing/make_missing.py)",
        "versions": versions(),
        "data": {
            "source": "examples/gmm-missing/data.json",
            "n": n,
            "missing_entries": int(np.isnan(gx).sum()),
            "empty_rows": int(np.all(np.isnan(gx), axis=1).sum()),
            "column_sums": tolist(np.nansum(gx, axis=0)),
        },
        "generating": {"weights": tolist(w), "means": tolist(mus), "covariances": tolist(sigmas)},
        "loglik_at_generating": gmm_loglik(gx, w, mus, sigmas),
        **gmm,
    }
    write_json(os.path.join(HERE, "gmm_mcar.json"), gmm)
    print("mvn: mle loglik", fixture["mle"]["loglik"], "in", fixture["mle"]["iterations"], "iterations")
    print("example: mle loglik", example["mle"]["loglik"], "in", example["mle"]["iterations"], "iterations")
    print("gmm: limit loglik", gmm["limit"]["loglik"], "in", gmm["limit"]["iterations"], "iterations")


if __name__ == "__main__":
    main()
