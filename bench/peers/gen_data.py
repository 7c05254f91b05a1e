#!/usr/bin/python3
# From the project's shared benchmark kit (../shared/bench/gen_data.py), copied unchanged below
# this line so a clean clone can regenerate the benchmark data bit for bit.
"""Deterministic data generator for the EM peer benchmarks.

Every data set NAME is written as
  data/NAME.f64        raw float64, little-endian, C (row-major) order
  data/NAME.json       header: shape, dtype, model, generating truth
  data/NAME.init.json  the fixed initial parameters every peer starts from
  data/NAME.csv        (small sets only) the same numbers as text

Integer-valued data (HMM symbols, Poisson counts) are stored as float64 too
(exact), so every reader needs one code path.

Usage:
  gen_data.py                       # the standard sets into ./data
  gen_data.py --outdir DIR --only gmm_d10_k8_n100000
  gen_data.py --gmm N D K [--outdir /tmp/big]   # extra GMM size on demand
  gen_data.py --poisson N K | --hmm-discrete T K M | --hmm-gauss S T K D
"""
import argparse
import json
import os
import sys

import numpy as np


def _write(outdir, name, X, meta, init, csv=False, csv_header=None):
    os.makedirs(outdir, exist_ok=True)
    X = np.ascontiguousarray(X, dtype="<f8")
    X.tofile(os.path.join(outdir, name + ".f64"))
    hdr = {"name": name, "file": name + ".f64", "dtype": "float64",
           "byteorder": "little", "order": "C", "shape": list(X.shape)}
    hdr.update(meta)
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        json.dump(hdr, f, indent=1)
    with open(os.path.join(outdir, name + ".init.json"), "w") as f:
        json.dump(init, f, indent=1)
    if csv:
        np.savetxt(os.path.join(outdir, name + ".csv"), X, delimiter=",",
                   fmt="%.17g", header=csv_header or "", comments="")
    print(f"wrote {name}: shape={X.shape} ({X.nbytes/1e6:.1f} MB)", file=sys.stderr)


# Bit-reproducibility: nothing below calls BLAS/LAPACK (matmul, qr, cholesky, cov),
# whose results depend on the BLAS build and thread count. Only elementwise ufuncs
# and numpy's own reductions are used, so the files are identical whatever
# libblas.so.3 is installed and whatever OMP/OPENBLAS_NUM_THREADS says.

def _rand_spd(rng, d, lo=0.5, hi=2.0):
    """Well-conditioned SPD matrix: G G^T / m scaled into roughly [lo, hi] + lo*I."""
    m = 4 * d
    G = rng.standard_normal((d, m))
    S = np.empty((d, d))
    for i in range(d):
        for j in range(i + 1):
            S[i, j] = S[j, i] = (G[i] * G[j]).sum() / m
    return S * ((hi - lo) / 2.0) + lo * np.eye(d)


def _chol(S):
    """Pure-Python lower Cholesky factor (d <= 50 here)."""
    d = S.shape[0]
    L = np.zeros((d, d))
    for j in range(d):
        L[j, j] = np.sqrt(S[j, j] - (L[j, :j] * L[j, :j]).sum())
        for i in range(j + 1, d):
            L[i, j] = (S[i, j] - (L[i, :j] * L[j, :j]).sum()) / L[j, j]
    return L


def _mvn_rows(rng, mean, L, count):
    """mean + Z L^T, accumulated column by column (elementwise only)."""
    d = L.shape[0]
    Z = rng.standard_normal((count, d))
    out = np.empty((count, d))
    for r in range(d):
        acc = np.full(count, mean[r])
        for c in range(r + 1):
            acc += Z[:, c] * L[r, c]
        out[:, r] = acc
    return out


def _cov(X):
    Xc = X - X.mean(0)
    d = X.shape[1]
    S = np.empty((d, d))
    for i in range(d):
        for j in range(i + 1):
            S[i, j] = S[j, i] = (Xc[:, i] * Xc[:, j]).sum() / (X.shape[0] - 1)
    return S


def _kmeanspp(rng, X, k):
    """Deterministic k-means++ seeding (on at most 20k rows)."""
    if X.shape[0] > 20000:
        X = X[rng.choice(X.shape[0], 20000, replace=False)]
    c = [X[rng.integers(X.shape[0])]]
    d2 = ((X - c[0]) ** 2).sum(1)
    for _ in range(1, k):
        i = rng.choice(X.shape[0], p=d2 / d2.sum())
        c.append(X[i])
        d2 = np.minimum(d2, ((X - X[i]) ** 2).sum(1))
    return np.array(c)


def gen_gmm(n, d, k, seed, outdir, csv=False):
    rng = np.random.default_rng(seed)
    # well separated: means on a scale of 10*sqrt(k)^(1/d), unit-ish covariances
    spread = 10.0
    means = rng.uniform(-spread, spread, size=(k, d))
    covs = np.array([_rand_spd(rng, d) for _ in range(k)])
    w = rng.uniform(1.0, 2.0, size=k); w /= w.sum()
    z = rng.choice(k, size=n, p=w)
    X = np.empty((n, d))
    for j in range(k):
        idx = np.flatnonzero(z == j)
        X[idx] = _mvn_rows(rng, means[j], _chol(covs[j]), idx.size)
    # fixed initial parameters: k-means++ seeds, uniform weights,
    # every component's covariance = the global (pooled) covariance
    irng = np.random.default_rng(seed + 1000)
    m0 = _kmeanspp(irng, X, k)
    gcov = _cov(X)
    init = {"weights": [1.0 / k] * k, "means": m0.tolist(),
            "covariances_full": [gcov.tolist()] * k,
            "covariances_diag": [np.diag(gcov).tolist()] * k,
            "note": "k-means++ seeds (seed+1000), uniform weights, pooled covariance"}
    meta = {"model": "gmm", "n": n, "d": d, "k": k, "seed": seed,
            "truth": {"weights": w.tolist(), "means": means.tolist(),
                      "covariances": covs.tolist()}}
    name = f"gmm_d{d}_k{k}_n{n}"
    _write(outdir, name, X, meta, init, csv=csv,
           csv_header=",".join(f"x{i}" for i in range(d)))
    return name


def _markov_chain(rng, start, A, T):
    K = A.shape[0]
    cum = np.cumsum(A, axis=1)
    u = rng.random(T)
    s = np.empty(T, dtype=np.int64)
    s[0] = rng.choice(K, p=start)
    for t in range(1, T):  # T up to 1e6: ~0.5 s in Python, fine
        s[t] = np.searchsorted(cum[s[t - 1]], u[t])
    return np.minimum(s, K - 1)


def _sticky(rng, K, stay):
    A = rng.uniform(0.5, 1.5, size=(K, K))
    np.fill_diagonal(A, 0.0)
    A = (1 - stay) * A / A.sum(1, keepdims=True)
    np.fill_diagonal(A, stay)
    return A


def gen_hmm_gauss(S, T, K, D, seed, outdir, csv=False):
    rng = np.random.default_rng(seed)
    A = _sticky(rng, K, 0.9)
    start = np.full(K, 1.0 / K)
    means = rng.uniform(-4, 4, size=(K, D))
    covs = np.array([_rand_spd(rng, D, 0.3, 1.0) for _ in range(K)])
    X = np.empty((S, T, D))
    for s in range(S):
        st = _markov_chain(rng, start, A, T)
        for j in range(K):
            idx = np.flatnonzero(st == j)
            X[s, idx] = _mvn_rows(rng, means[j], _chol(covs[j]), idx.size)
    irng = np.random.default_rng(seed + 1000)
    flat = X.reshape(-1, D)
    m0 = _kmeanspp(irng, flat, K)
    gcov = _cov(flat)
    A0 = np.full((K, K), 0.5 / (K - 1)); np.fill_diagonal(A0, 0.5)
    init = {"startprob": [1.0 / K] * K, "transmat": A0.tolist(), "means": m0.tolist(),
            "covariances_full": [gcov.tolist()] * K,
            "note": "k-means++ seeds on pooled frames, pooled covariance, transmat diag 0.5"}
    meta = {"model": "hmm_gauss", "n_seq": S, "seq_len": T, "d": D, "k": K, "seed": seed,
            "layout": "shape [n_seq, seq_len, d]",
            "truth": {"startprob": start.tolist(), "transmat": A.tolist(),
                      "means": means.tolist(), "covariances": covs.tolist()}}
    name = f"hmm_gauss_k{K}_d{D}_s{S}x{T}"
    _write(outdir, name, X, meta, init)
    if csv:  # flat CSV with a sequence-id column
        sid = np.repeat(np.arange(S), T)[:, None]
        np.savetxt(os.path.join(outdir, name + ".csv"), np.hstack([sid, flat]),
                   delimiter=",", fmt=["%d"] + ["%.17g"] * D,
                   header="seq," + ",".join(f"x{i}" for i in range(D)), comments="")
    return name


def gen_hmm_discrete(T, K, M, seed, outdir):
    rng = np.random.default_rng(seed)
    A = _sticky(rng, K, 0.8)
    start = np.full(K, 1.0 / K)
    B = rng.dirichlet(np.full(M, 0.3), size=K)
    st = _markov_chain(rng, start, A, T)
    cumB = np.cumsum(B, axis=1)
    u = rng.random(T)
    obs = np.empty(T)
    for j in range(K):
        idx = np.flatnonzero(st == j)
        obs[idx] = np.minimum(np.searchsorted(cumB[j], u[idx]), M - 1)
    irng = np.random.default_rng(seed + 1000)
    B0 = irng.dirichlet(np.full(M, 5.0), size=K)
    A0 = np.full((K, K), 0.4 / (K - 1)); np.fill_diagonal(A0, 0.6)
    init = {"startprob": [1.0 / K] * K, "transmat": A0.tolist(), "emissionprob": B0.tolist(),
            "note": "emissions Dirichlet(5) draws (seed+1000), transmat diag 0.6"}
    meta = {"model": "hmm_discrete", "n_seq": 1, "seq_len": T, "k": K, "m": M, "seed": seed,
            "layout": "shape [seq_len], symbols 0..m-1 stored as float64",
            "truth": {"startprob": start.tolist(), "transmat": A.tolist(), "emissionprob": B.tolist()}}
    name = f"hmm_disc_k{K}_m{M}_t{T}"
    _write(outdir, name, obs, meta, init)
    return name


def gen_poisson(n, k, seed, outdir):
    rng = np.random.default_rng(seed)
    lam = np.array([1.0, 5.0, 15.0, 40.0, 80.0, 120.0, 200.0, 300.0])[:k]
    w = np.array([0.4, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1])[:k]; w /= w.sum()
    z = rng.choice(k, size=n, p=w)
    x = rng.poisson(lam[z]).astype(np.float64)
    qs = np.quantile(x, (np.arange(k) + 0.5) / k) + 0.5
    init = {"weights": [1.0 / k] * k, "rates": qs.tolist(),
            "note": "rates = data quantiles (j+0.5)/k + 0.5, uniform weights"}
    meta = {"model": "poisson_mixture", "n": n, "k": k, "seed": seed,
            "truth": {"weights": w.tolist(), "rates": lam.tolist()}}
    name = f"poismix_k{k}_n{n}"
    _write(outdir, name, x, meta, init)
    return name


STANDARD = {
    "gmm_d2_k3_n10000": lambda o: gen_gmm(10_000, 2, 3, 11, o, csv=True),
    "gmm_d10_k8_n100000": lambda o: gen_gmm(100_000, 10, 8, 12, o),
    "gmm_d50_k10_n100000": lambda o: gen_gmm(100_000, 50, 10, 13, o),
    "hmm_gauss_k4_d3_s100x1000": lambda o: gen_hmm_gauss(100, 1000, 4, 3, 21, o, csv=True),
    "hmm_disc_k5_m20_t1000000": lambda o: gen_hmm_discrete(1_000_000, 5, 20, 22, o),
    "poismix_k4_n1000000": lambda o: gen_poisson(1_000_000, 4, 31, o),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--outdir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    ap.add_argument("--only", nargs="*", help="names of standard sets")
    ap.add_argument("--gmm", nargs=3, type=int, metavar=("N", "D", "K"))
    ap.add_argument("--poisson", nargs=2, type=int, metavar=("N", "K"))
    ap.add_argument("--hmm-discrete", nargs=3, type=int, metavar=("T", "K", "M"))
    ap.add_argument("--hmm-gauss", nargs=4, type=int, metavar=("S", "T", "K", "D"))
    ap.add_argument("--seed", type=int, default=99)
    a = ap.parse_args()
    custom = False
    if a.gmm: gen_gmm(*a.gmm, a.seed, a.outdir); custom = True
    if a.poisson: gen_poisson(*a.poisson, a.seed, a.outdir); custom = True
    if a.hmm_discrete: gen_hmm_discrete(*a.hmm_discrete, a.seed, a.outdir); custom = True
    if a.hmm_gauss: gen_hmm_gauss(*a.hmm_gauss, a.seed, a.outdir); custom = True
    if custom:
        return
    for name, fn in STANDARD.items():
        if a.only and name not in a.only:
            continue
        fn(a.outdir)


if __name__ == "__main__":
    main()
