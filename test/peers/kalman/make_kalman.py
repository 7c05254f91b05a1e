"""Independent references for the linear-Gaussian chain (Kalman filter) log-likelihood.

Writes kalman.json for test/fit/linear-gaussian-chain.test.ts: per case, simulated data (one or
several ragged sequences) and, at two parameter sets (the generating one and a perturbed one),
the log-likelihood computed two independent ways:
  - a Kalman filter written here (covariance form, innovations log-likelihood);
  - the joint Gaussian of each whole sequence, x = (x_0 … x_{T-1}) ~ N(mean, Cov) with the
    mean and covariance built from the state-space model's moments, evaluated by
    scipy.stats.multivariate_normal (small T, so the T·D-dimensional density is cheap).
The model is f[0] ~ N(m0, P0), f[t] ~ N(A f[t-1] + a, Q), x[t] ~ N(C f[t] + c, R).

Run from the repository root: /usr/bin/python3 test/peers/kalman/make_kalman.py
"""
import json

import numpy as np
import scipy
from scipy.stats import multivariate_normal


def simulate(rng, p, lengths):
    L = p["A"].shape[0]
    seqs = []
    for T in lengths:
        f = rng.multivariate_normal(p["m0"], p["P0"])
        xs = []
        for t in range(T):
            if t > 0:
                f = p["A"] @ f + p["a"] + rng.multivariate_normal(np.zeros(L), p["Q"])
            xs.append(p["C"] @ f + p["c"] + rng.multivariate_normal(np.zeros(len(p["c"])), p["R"]))
        seqs.append(np.array(xs))
    return seqs


def kalman_loglik(p, x):
    m, P = p["m0"].copy(), p["P0"].copy()
    ll = 0.0
    for t in range(len(x)):
        if t > 0:
            m = p["A"] @ m + p["a"]
            P = p["A"] @ P @ p["A"].T + p["Q"]
        S = p["C"] @ P @ p["C"].T + p["R"]
        e = x[t] - p["C"] @ m - p["c"]
        ll += -0.5 * (len(e) * np.log(2 * np.pi) + np.linalg.slogdet(S)[1] + e @ np.linalg.solve(S, e))
        K = P @ p["C"].T @ np.linalg.inv(S)
        m = m + K @ e
        P = P - K @ S @ K.T
    return ll


def joint_loglik(p, x):
    """The sequence's joint Gaussian: E f_t, Cov(f_s, f_t) = A^(s-t) Var f_t for s ≥ t."""
    T, D = x.shape
    L = p["A"].shape[0]
    means, variances = [p["m0"]], [p["P0"]]
    for t in range(1, T):
        means.append(p["A"] @ means[-1] + p["a"])
        variances.append(p["A"] @ variances[-1] @ p["A"].T + p["Q"])
    cov_f = np.zeros((T * L, T * L))
    for t in range(T):
        block = variances[t]
        for s in range(t, T):
            cov_f[s * L:(s + 1) * L, t * L:(t + 1) * L] = block
            cov_f[t * L:(t + 1) * L, s * L:(s + 1) * L] = block.T
            block = p["A"] @ block
    Cbig = np.kron(np.eye(T), p["C"])
    mean_x = np.concatenate([p["C"] @ mt + p["c"] for mt in means])
    cov_x = Cbig @ cov_f @ Cbig.T + np.kron(np.eye(T), p["R"])
    return multivariate_normal(mean_x, cov_x).logpdf(x.reshape(-1))


def spd(rng, d, scale):
    B = rng.normal(size=(d, d))
    return scale * (B @ B.T / d + 0.5 * np.eye(d))


def perturbed(rng, p):
    """Another valid parameter set; a diagonal covariance stays diagonal (a model with sds)."""
    q = {k: v.copy() for k, v in p.items()}

    def cov(name, scale):
        m = p[name]
        diagonal = not np.any(m - np.diag(np.diag(m)))
        extra = spd(rng, len(m), scale)
        return m + (np.diag(np.diag(extra)) if diagonal else extra)

    q["A"] = p["A"] + 0.05 * rng.normal(size=p["A"].shape)
    q["C"] = p["C"] + 0.1 * rng.normal(size=p["C"].shape)
    q["Q"] = cov("Q", 0.05)
    q["R"] = cov("R", 0.05)
    q["m0"] = p["m0"] + 0.2 * rng.normal(size=p["m0"].shape)
    q["P0"] = cov("P0", 0.1)
    q["a"] = p["a"] + (0.1 * rng.normal(size=p["a"].shape) if p["a"].any() else 0)
    q["c"] = p["c"] + (0.1 * rng.normal(size=p["c"].shape) if p["c"].any() else 0)
    return q


def as_json(p):
    return {k: v.tolist() for k, v in p.items()}


def case(name, seed, p, lengths):
    rng = np.random.default_rng(seed)
    seqs = simulate(rng, p, lengths)
    evaluations = []
    for params in (p, perturbed(rng, p)):
        kalman = sum(kalman_loglik(params, x) for x in seqs)
        joint = sum(joint_loglik(params, x) for x in seqs)
        assert abs(kalman - joint) < 1e-9 * abs(joint), (name, kalman, joint)
        evaluations.append({"params": as_json(params), "kalman": kalman, "joint": joint})
    return {"name": name, "x": [x.tolist() for x in seqs], "evaluations": evaluations}


rng0 = np.random.default_rng(20240607)
theta = 0.3
ragged = {
    "A": 0.95 * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]),
    "a": np.zeros(2),
    "Q": np.array([[0.3, 0.05], [0.05, 0.2]]),
    "C": np.array([[1.0, 0.2], [0.3, -0.8], [0.5, 0.5]]),
    "c": np.zeros(3),
    "R": np.array([[0.5, 0.1, 0.0], [0.1, 0.4, 0.05], [0.0, 0.05, 0.3]]),
    "m0": np.array([1.0, -0.5]),
    "P0": np.array([[1.0, 0.2], [0.2, 0.8]]),
}
single = {
    "A": np.array([[0.8, 0.1, 0.0], [-0.1, 0.7, 0.2], [0.0, 0.1, 0.5]]),
    "a": np.array([0.2, -0.1, 0.3]),
    "Q": np.diag([0.2, 0.3, 0.1]),
    "C": rng0.normal(size=(4, 3)),
    "c": np.array([1.0, -2.0, 0.5, 0.0]),
    "R": np.diag([0.3, 0.2, 0.4, 0.25]),
    "m0": np.zeros(3),
    "P0": np.eye(3),
}
out = {
    "peer": f"numpy {np.__version__}, scipy {scipy.__version__}: Kalman filter and joint-Gaussian multivariate_normal",
    "cases": [
        case("ragged_l2_d3", 11, ragged, [25, 7, 40, 1, 18]),
        case("single_l3_d4_offsets", 12, single, [60]),
    ],
}
with open("test/peers/kalman/kalman.json", "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
