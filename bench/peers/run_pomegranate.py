#!/usr/bin/python3
# From the project's shared benchmark kit (../shared/bench/peers/run_pomegranate.py), copied unchanged below
# this line so a clean clone can run `pnpm bench`.
"""pomegranate 0.14 (Debian python3-pomegranate) EM with fixed iterations.

--kind gmm_full | gmm_diag | poisson | hmm_gauss | hmm_disc
stop_threshold=-inf so exactly --iters parameter updates are made; n_jobs = threads.
"""
import math
import os

import numpy as np
from common import arg_parser, load, measure, report, threads
from pomegranate import (DiscreteDistribution, GeneralMixtureModel, HiddenMarkovModel,
                         IndependentComponentsDistribution, MultivariateGaussianDistribution,
                         NormalDistribution, PoissonDistribution)
import pomegranate

ap = arg_parser(__doc__)
ap.add_argument("--kind", required=True, choices=["gmm_full", "gmm_diag", "poisson", "hmm_gauss", "hmm_disc"])
a = ap.parse_args()
X, hdr, init = load(a.data)
nj = threads() or 1
NEGINF = float("-inf")
peer = f"pomegranate-{pomegranate.__version__}"

if a.kind.startswith("gmm") or a.kind == "poisson":
    if a.kind == "poisson":
        Xf = X.reshape(-1, 1)
        n, d = Xf.shape
        k = len(init["weights"])
        def build():
            return GeneralMixtureModel([PoissonDistribution(l) for l in init["rates"]],
                                       weights=np.array(init["weights"]))
    else:
        Xf = X
        n, d = X.shape
        k = len(init["weights"])
        if a.kind == "gmm_full":
            def build():
                return GeneralMixtureModel(
                    [MultivariateGaussianDistribution(np.array(m), np.array(c))
                     for m, c in zip(init["means"], init["covariances_full"])],
                    weights=np.array(init["weights"]))
        else:
            def build():
                return GeneralMixtureModel(
                    [IndependentComponentsDistribution(
                        [NormalDistribution(mu, math.sqrt(v)) for mu, v in zip(m, c)])
                     for m, c in zip(init["means"], init["covariances_diag"])],
                    weights=np.array(init["weights"]))

    def fit(iters):
        m = build()
        m.fit(Xf, max_iterations=iters, stop_threshold=NEGINF, n_jobs=nj)
        return m

    med, secs, m, marg = measure(fit, a.iters, a.repeats)
    ll = m.log_probability(Xf).sum()
    report(peer, a.kind if a.kind != "poisson" else "poisson_mixture", hdr, n, d, k, a.iters,
           med, secs, ll, marginal=marg, note="fit(max_iterations=iters, stop_threshold=-inf): iters M-steps, iters+1 E-steps")
else:
    A0 = np.array(init["transmat"]); s0 = np.array(init["startprob"])
    k = A0.shape[0]
    if a.kind == "hmm_gauss":
        seqs = [np.ascontiguousarray(s) for s in X]  # [n_seq][T, D]
        d = X.shape[2]
        def dists():
            return [MultivariateGaussianDistribution(np.array(m), np.array(c))
                    for m, c in zip(init["means"], init["covariances_full"])]
    else:
        seqs = [X.astype(np.int64)]
        d = 1
        def dists():
            return [DiscreteDistribution({j: p for j, p in enumerate(row)}) for row in init["emissionprob"]]
    n = sum(len(s) for s in seqs)

    def build():
        return HiddenMarkovModel.from_matrix(A0, dists(), s0)  # no end state

    # pomegranate's HMM loop makes one parameter update more than max_iterations
    # (update at the top of each pass, break only after the next update), see
    # hmm.pyx fit(); so max_iterations = iters - 1 gives `iters` E+M passes.
    def fit(iters):
        m = build()
        m.fit(seqs, algorithm="baum-welch", max_iterations=iters - 1,
              stop_threshold=NEGINF, n_jobs=nj)
        return m

    # base=2: pomegranate 0.14 crashes with max_iterations=0 ('logs' unbound)
    med, secs, m, marg = measure(fit, a.iters, a.repeats, base=2)
    ll = sum(m.log_probability(s) for s in seqs)
    report(peer, a.kind, hdr, n, d, k, a.iters, med, secs, ll, marginal=marg,
           note="baum-welch, max_iterations=iters-1 (pomegranate does one extra update), stop_threshold=-inf")
