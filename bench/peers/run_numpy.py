#!/usr/bin/python3
# From the project's shared benchmark kit (../shared/bench/peers/run_numpy.py), copied unchanged below
# this line so a clean clone can run `pnpm bench`.
"""Hand-written, vectorized numpy EM baselines (the 'well-written numpy' anchor).

--kind poisson   : Poisson mixture, log-space E-step with logsumexp, closed-form M-step
--kind hmm_gauss : Gaussian (full-cov) HMM, scaled forward-backward vectorized over the
                   n_seq sequences (Python loop over time only), Baum-Welch M-step
Exactly --iters E+M iterations; final_loglik is evaluated at the final parameters.
"""
import numpy as np
from common import arg_parser, load, measure, report
from scipy.special import gammaln, logsumexp

ap = arg_parser(__doc__)
ap.add_argument("--kind", required=True, choices=["poisson", "hmm_gauss"])
a = ap.parse_args()
X, hdr, init = load(a.data)


# ---------------------------------------------------------------- Poisson mixture
def pois_loglik_terms(x, lgx, w, lam):
    return x[:, None] * np.log(lam)[None, :] - lam[None, :] - lgx[:, None] + np.log(w)[None, :]


def pois_fit(x, iters):
    w = np.array(init["weights"], dtype=float); lam = np.array(init["rates"], dtype=float)
    lgx = gammaln(x + 1.0)  # constant: computed once per fit
    n = x.shape[0]
    for _ in range(iters):
        lp = pois_loglik_terms(x, lgx, w, lam)               # (n, k)
        lse = logsumexp(lp, axis=1, keepdims=True)
        r = np.exp(lp - lse)
        nk = r.sum(0)
        lam = (x @ r) / nk
        w = nk / n
    return w, lam


def pois_ll(x, w, lam):
    return logsumexp(pois_loglik_terms(x, gammaln(x + 1.0), w, lam), axis=1).sum()


# ---------------------------------------------------------------- Gaussian HMM
def gauss_logpdf(Xf, means, covs):
    """Xf (n, d) -> (n, k) log N(x | mean_k, cov_k) via Cholesky triangular solves."""
    n, d = Xf.shape
    out = np.empty((n, len(means)))
    for j, (m, c) in enumerate(zip(means, covs)):
        L = np.linalg.cholesky(c)
        # solve L z = (x - m)^T for all rows at once
        z = np.linalg.solve(L, (Xf - m).T) if d > 0 else None
        out[:, j] = -0.5 * (z * z).sum(0) - np.log(np.diag(L)).sum() - 0.5 * d * np.log(2 * np.pi)
    return out


def hmm_estep(Xs, pi, A, means, covs):
    S, T, D = Xs.shape
    K = A.shape[0]
    logB = gauss_logpdf(Xs.reshape(-1, D), means, covs).reshape(S, T, K)
    mx = logB.max(2, keepdims=True)
    B = np.exp(logB - mx)                                   # (S, T, K), scaled emissions
    alpha = np.empty((S, T, K)); beta = np.empty((S, T, K)); c = np.empty((S, T))
    a_ = pi[None, :] * B[:, 0]
    c[:, 0] = a_.sum(1); alpha[:, 0] = a_ / c[:, 0, None]
    for t in range(1, T):
        a_ = (alpha[:, t - 1] @ A) * B[:, t]
        c[:, t] = a_.sum(1); alpha[:, t] = a_ / c[:, t, None]
    beta[:, T - 1] = 1.0
    for t in range(T - 2, -1, -1):
        beta[:, t] = ((B[:, t + 1] * beta[:, t + 1]) @ A.T) / c[:, t + 1, None]
    gamma = alpha * beta                                    # rows sum to 1
    bb = B[:, 1:] * beta[:, 1:] / c[:, 1:, None]
    xi = A * np.einsum("sti,stj->ij", alpha[:, :-1], bb)    # expected transition counts
    ll = np.log(c).sum() + mx.sum()
    return gamma, xi, ll


def hmm_mstep(Xs, gamma, xi):
    S, T, D = Xs.shape
    Xf = Xs.reshape(-1, D); g = gamma.reshape(-1, gamma.shape[2])
    pi = gamma[:, 0].sum(0) / S
    A = xi / xi.sum(1, keepdims=True)
    nk = g.sum(0)
    means = (g.T @ Xf) / nk[:, None]
    covs = []
    for j in range(len(nk)):
        diff = Xf - means[j]
        covs.append((g[:, j, None] * diff).T @ diff / nk[j] + 1e-6 * np.eye(D))
    return pi, A, means, np.array(covs)


def hmm_fit(Xs, iters):
    pi = np.array(init["startprob"]); A = np.array(init["transmat"])
    means = np.array(init["means"]); covs = np.array(init["covariances_full"])
    for _ in range(iters):
        gamma, xi, _ = hmm_estep(Xs, pi, A, means, covs)
        pi, A, means, covs = hmm_mstep(Xs, gamma, xi)
    return pi, A, means, covs


if a.kind == "poisson":
    x = X.reshape(-1)
    med, secs, (w, lam), marg = measure(lambda it: pois_fit(x, it), a.iters, a.repeats)
    report("numpy-handwritten", "poisson_mixture", hdr, x.shape[0], 1, len(w), a.iters, med, secs,
           pois_ll(x, w, lam), marginal=marg, numpy=np.__version__, rates=lam.tolist())
else:
    med, secs, (pi, A, means, covs), marg = measure(lambda it: hmm_fit(X, it), a.iters, a.repeats)
    _, _, ll = hmm_estep(X, pi, A, means, covs)
    report("numpy-handwritten", "hmm_gauss", hdr, X.shape[0] * X.shape[1], X.shape[2], A.shape[0],
           a.iters, med, secs, ll, marginal=marg, numpy=np.__version__)
