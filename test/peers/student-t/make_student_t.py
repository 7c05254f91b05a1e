#!/usr/bin/env python3
"""Reference fits for the Student-t scale mixture (emforge issue 5, conjugate continuous latents).

An independent numpy EM, written from the papers, not from emforge's code:
- the multivariate t with known degrees of freedom nu (Liu & Rubin 1995, "ML estimation of the
  t distribution using EM and its extensions, ECM and ECME", Statistica Sinica 5, section 2):
  E-step w_i = (nu + D) / (nu + delta_i^2); M-step mu = sum w x / sum w,
  Sigma = sum w (x - mu)(x - mu)^T / n;
- the univariate t (the same with D = 1, sd = sqrt(Sigma));
- a mixture of t distributions with known nu_k per component (McLachlan & Peel 2000, Finite
  Mixture Models, section 7.5; Peel & McLachlan 2000, Statistics and Computing 10):
  tau_ik from the t densities, u_ik = (nu_k + D) / (nu_k + delta_ik^2),
  pi_k = sum_i tau_ik / n, mu_k = sum tau u x / sum tau u,
  Sigma_k = sum tau u (x - mu_k)(x - mu_k)^T / sum tau.

Log-likelihoods use scipy.stats.multivariate_t / scipy.stats.t (plus logsumexp for the mixture)
and are cross-checked against the script's own closed-form t density to 1e-12.
Data are simulated with numpy default_rng (seeds below) as normal / sqrt(gamma) scale mixtures,
rounded to 1e-4 and stored inline. One iteration = one E-step then one M-step from the
initial parameters; checkpoints store the parameters after n M-steps and the log-likelihood
there. `converged` runs until no parameter moves by more than 1e-14 relative to its array's
largest entry in one iteration (or 20000 iterations).

Run from the repository root: /usr/bin/python3 test/peers/student-t/make_student_t.py
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy.special import gammaln, logsumexp
from scipy.stats import multivariate_t, t as student_t

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKPOINTS = [1, 20]


def simulate_t(rng, n, mu, sigma, nu):
    d = len(mu)
    chol = np.linalg.cholesky(np.asarray(sigma))
    u = rng.gamma(nu / 2.0, 2.0 / nu, size=n)  # numpy's gamma takes (shape, scale = 1 / rate)
    z = rng.standard_normal((n, d)) @ chol.T
    return np.round(np.asarray(mu) + z / np.sqrt(u)[:, None], 4), u


def log_t_own(x, mu, sigma, nu):
    """The closed-form multivariate t log density, per row."""
    d = x.shape[1]
    chol = np.linalg.cholesky(sigma)
    r = np.linalg.solve(chol, (x - mu).T)
    delta = np.sum(r * r, axis=0)
    logdet = 2 * np.sum(np.log(np.diag(chol)))
    return (gammaln((nu + d) / 2) - gammaln(nu / 2) - d / 2 * np.log(nu * np.pi) - 0.5 * logdet
            - (nu + d) / 2 * np.log1p(delta / nu)), delta


def log_t_scipy(x, mu, sigma, nu):
    if x.shape[1] == 1:
        return student_t.logpdf(x[:, 0], df=nu, loc=mu[0], scale=np.sqrt(sigma[0, 0]))
    return multivariate_t.logpdf(x, loc=mu, shape=sigma, df=nu)


def mixture_terms(x, weights, mus, sigmas, nus):
    """log(pi_k) + log t_k(x_i), delta_ik^2, both shape [n, K]; own formula and scipy's."""
    own = np.column_stack([np.log(w) + log_t_own(x, m, s, v)[0] for w, m, s, v in zip(weights, mus, sigmas, nus)])
    ref = np.column_stack([np.log(w) + log_t_scipy(x, m, s, v) for w, m, s, v in zip(weights, mus, sigmas, nus)])
    delta = np.column_stack([log_t_own(x, m, s, v)[1] for m, s, v in zip(mus, sigmas, nus)])
    return own, ref, delta


def loglik(x, params, nus):
    own, ref, _ = mixture_terms(x, params["weights"], params["mu"], params["sigma"], nus)
    a, b = logsumexp(own, axis=1).sum(), logsumexp(ref, axis=1).sum()
    assert abs(a - b) <= 1e-12 * abs(b), (a, b)
    return float(b)


def em_step(x, params, nus):
    """One E-step at `params`, then one M-step (McLachlan & Peel's ECM with nu known = exact EM)."""
    n, d = x.shape
    own, _, delta = mixture_terms(x, params["weights"], params["mu"], params["sigma"], nus)
    tau = np.exp(own - logsumexp(own, axis=1, keepdims=True))
    u = (np.asarray(nus)[None, :] + d) / (np.asarray(nus)[None, :] + delta)
    weights, mus, sigmas = [], [], []
    for k in range(len(nus)):
        tu = tau[:, k] * u[:, k]
        mu = (tu[:, None] * x).sum(axis=0) / tu.sum()
        r = x - mu
        sigma = (tu[:, None] * r).T @ r / tau[:, k].sum()
        weights.append(tau[:, k].sum() / n)
        mus.append(mu)
        sigmas.append((sigma + sigma.T) / 2)
    return {"weights": np.array(weights), "mu": mus, "sigma": sigmas}, tau, u


def run(x, init, nus):
    params = init
    out = {"checkpoints": []}
    history = [loglik(x, params, nus)]
    it = 0
    while True:
        previous = params
        params, tau, u = em_step(x, params, nus)
        it += 1
        history.append(loglik(x, params, nus))
        assert history[-1] >= history[-2] - 1e-9 * abs(history[-2]), "EM decreased"
        if it in CHECKPOINTS:
            out["checkpoints"].append({"n_iter": it, **as_json(params), "loglik": history[-1]})
        if it >= max(CHECKPOINTS) and (param_change(previous, params) < 1e-14 or it >= 20000):
            break
    _, tau, u = em_step(x, params, nus)  # the E-step at the final params (its M-step is discarded)
    out["converged"] = {"n_iter": it, **as_json(params), "loglik": history[-1],
                        "expected_u": (tau * u).sum(axis=1).tolist(), "responsibilities": tau.tolist()}
    out["history_head"] = history[:21]
    return out


def param_change(a, b):
    """The largest change of any parameter, relative to that array's largest magnitude."""
    change = 0.0
    for key in ("weights", "mu", "sigma"):
        p, q = np.asarray(a[key], float), np.asarray(b[key], float)
        change = max(change, float(np.max(np.abs(p - q)) / max(np.max(np.abs(q)), 1e-300)))
    return change


def as_json(params):
    return {"weights": [float(w) for w in params["weights"]],
            "mu": [m.tolist() for m in params["mu"]],
            "sigma": [s.tolist() for s in params["sigma"]]}


def case(name, x, nus, init, truth, seed, model):
    x = np.asarray(x, dtype=float)
    init = {"weights": np.asarray(init["weights"], float), "mu": [np.asarray(m, float) for m in init["mu"]],
            "sigma": [np.asarray(s, float) for s in init["sigma"]]}
    result = run(x, init, nus)
    # The t log density per item at the initial params, from scipy (component 0, or the single t).
    density = log_t_scipy(x, init["mu"][0], init["sigma"][0], nus[0])
    own = log_t_own(x, init["mu"][0], init["sigma"][0], nus[0])[0]
    assert np.max(np.abs(density - own)) <= 1e-12 * np.max(np.abs(density))
    fixture = {
        "name": name,
        "model": model,
        "data": {"x": x.tolist(), "nu": nus, "seed": seed, "generating_parameters": truth},
        "initial": {**as_json(init), "loglik": loglik(x, init, nus)},
        "logpdf_initial_component0": density.tolist(),
        **result,
        "notes": {
            "iteration": "one E-step then one M-step; checkpoint n holds the params after n M-steps",
            "scale": "sigma is the scale matrix (the variance for D = 1, sd = sqrt(sigma)); divided by sum tau, not sum tau u",
            "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0]},
        },
    }
    with open(os.path.join(HERE, f"{name}.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"{name}: n_iter={result['converged']['n_iter']} loglik={result['converged']['loglik']!r}")


def main():
    # One multivariate t, D = 3, nu = 4.
    rng = np.random.default_rng(20240701)
    mu, sigma, nu = [1.0, -2.0, 0.5], [[2.0, 0.8, 0.3], [0.8, 1.0, -0.2], [0.3, -0.2, 0.5]], 4.0
    x, _ = simulate_t(rng, 400, mu, sigma, nu)
    xm = x.mean(axis=0)
    init = {"weights": [1.0], "mu": [xm], "sigma": [np.cov(x.T, bias=True)]}
    case("mvt_d3", x, [nu], init, {"mu": mu, "sigma": sigma, "nu": nu}, 20240701, "mvt")

    # One univariate t, nu = 3.
    rng = np.random.default_rng(20240702)
    x, _ = simulate_t(rng, 300, [0.5], [[4.0]], 3.0)
    init = {"weights": [1.0], "mu": [x.mean(axis=0)], "sigma": [np.array([[x.var()]])]}
    case("t_univariate", x, [3.0], init, {"mu": 0.5, "sd": 2.0, "nu": 3.0}, 20240702, "t")

    # Two-component bivariate t mixture, nu = (3, 8) known per component.
    rng = np.random.default_rng(20240703)
    truth = {"weights": [0.35, 0.65], "mu": [[-2.0, 1.0], [2.0, -0.5]],
             "sigma": [[[1.0, 0.3], [0.3, 0.6]], [[0.8, -0.25], [-0.25, 1.2]]], "nu": [3.0, 8.0]}
    n = 600
    z = rng.choice(2, size=n, p=truth["weights"])
    x = np.zeros((n, 2))
    for k in range(2):
        m = z == k
        x[m], _ = simulate_t(rng, int(m.sum()), truth["mu"][k], truth["sigma"][k], truth["nu"][k])
    init = {"weights": [0.5, 0.5], "mu": [[-1.0, 0.0], [1.0, 0.0]], "sigma": [np.eye(2), np.eye(2)]}
    case("tmix_k2_d2", x, truth["nu"], init, truth, 20240703, "tmix")


if __name__ == "__main__":
    main()
