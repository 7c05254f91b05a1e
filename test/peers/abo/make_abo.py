#!/usr/bin/python3
"""ABO blood-group allele frequencies: test/peers/abo/abo.json.

Run from anywhere:  /usr/bin/python3 test/peers/abo/make_abo.py   (numpy + scipy only)

Data: phenotype counts nA = 186, nB = 38, nAB = 13, nO = 284 (N = 521 people) -- the classic
example of EM "gene counting" (as used in K. Lange, Applied Probability, and many EM tutorials).
Model: two latent alleles per person drawn independently from (pA, pB, pO) (Hardy-Weinberg);
phenotype A = {AA, AO}, B = {BB, BO}, AB = {AB}, O = {OO}.
    P(A) = pA^2 + 2 pA pO,  P(B) = pB^2 + 2 pB pO,  P(AB) = 2 pA pB,  P(O) = pO^2.
Log-likelihood (the multinomial coefficient N!/(nA! nB! nAB! nO!) is NOT included; it is stored
separately as "log_multinomial_coefficient"):
    l(p) = nA log P(A) + nB log P(B) + nAB log P(AB) + nO log P(O).

The MLE is computed twice, independently:
  1. EM (gene counting) from pA = pB = pO = 1/3 until the change is below 1e-15;
  2. direct maximisation with scipy.optimize.minimize (SLSQP, constraint pA + pB + pO = 1);
  3. the root of the analytic score in (pA, pB) with scipy.optimize.root (full precision).
The first EM iterates are stored (from the 1/3 start) so a runtime can compare its path.
"""
import json
import warnings
import os

import numpy as np
import scipy
from scipy.optimize import minimize
from scipy.special import gammaln

HERE = os.path.dirname(os.path.abspath(__file__))
COUNTS = {"A": 186, "B": 38, "AB": 13, "O": 284}


def loglik(p):
    pa, pb, po = p
    na, nb, nab, no = COUNTS["A"], COUNTS["B"], COUNTS["AB"], COUNTS["O"]
    return (na * np.log(pa * pa + 2 * pa * po) + nb * np.log(pb * pb + 2 * pb * po) + nab * np.log(2 * pa * pb)
            + no * np.log(po * po))


def score(v):
    """Gradient of l(pA, pB, 1 - pA - pB) with respect to (pA, pB)."""
    pa, pb = v
    po = 1 - pa - pb
    na, nb, nab, no = COUNTS["A"], COUNTS["B"], COUNTS["AB"], COUNTS["O"]
    fa, fb = pa * pa + 2 * pa * po, pb * pb + 2 * pb * po
    # d/dpA: PA = pA^2 + 2 pA (1 - pA - pB) -> 2 pA + 2 (1 - pA - pB) - 2 pA = 2 po; PB -> -2 pB; PO -> -2 po
    ga = na * 2 * po / fa + nb * (-2 * pb) / fb + nab / pa + no * (-2) / po
    gb = na * (-2 * pa) / fa + nb * 2 * po / fb + nab / pb + no * (-2) / po
    return [ga, gb]


def em_step(p):
    """E-step: expected genotype counts given the phenotypes; M-step: allele counting / 2N."""
    pa, pb, po = p
    na, nb, nab, no = COUNTS["A"], COUNTS["B"], COUNTS["AB"], COUNTS["O"]
    n = na + nb + nab + no
    n_aa = na * pa * pa / (pa * pa + 2 * pa * po); n_ao = na - n_aa
    n_bb = nb * pb * pb / (pb * pb + 2 * pb * po); n_bo = nb - n_bb
    a = (2 * n_aa + n_ao + nab) / (2 * n)
    b = (2 * n_bb + n_bo + nab) / (2 * n)
    o = (n_ao + n_bo + 2 * no) / (2 * n)
    return np.array([a, b, o])


def main():
    warnings.filterwarnings("ignore", message="Values in x were outside bounds")
    p = np.array([1 / 3, 1 / 3, 1 / 3])
    path = [{"iteration": 0, "p": p.tolist(), "loglik": float(loglik(p))}]
    for it in range(1, 1001):
        q = em_step(p)
        if it <= 10:
            path.append({"iteration": it, "p": q.tolist(), "loglik": float(loglik(q))})
        done = np.abs(q - p).max() < 1e-15
        p = q
        if done:
            break
    em_p, em_iters = p, it

    res = minimize(lambda v: -loglik(v), x0=np.array([0.3, 0.1, 0.6]), method="SLSQP",
                   bounds=[(1e-9, 1)] * 3, constraints=[{"type": "eq", "fun": lambda v: v.sum() - 1}],
                   options={"ftol": 1e-15, "maxiter": 1000})
    opt_p = res.x / res.x.sum()
    # Third opinion, to full precision: solve grad l(pA, pB, 1 - pA - pB) = 0 with scipy.optimize.root
    # (analytic gradient), started from the SLSQP optimum.
    root = scipy.optimize.root(score, opt_p[:2], method="hybr", options={"xtol": 1e-15})
    rt_p = np.array([root.x[0], root.x[1], 1 - root.x[0] - root.x[1]])

    n = sum(COUNTS.values())
    logcoef = float(gammaln(n + 1) - sum(gammaln(c + 1) for c in COUNTS.values()))
    fixture = {
        "kind": "abo",
        "generated_by": "/usr/bin/python3 test/peers/abo/make_abo.py",
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "counts": COUNTS,
        "n": n,
        "source": "phenotype counts nA=186, nB=38, nAB=13, nO=284 as in the classic ABO gene-counting EM "
        "example (K. Lange, Applied Probability, Springer; also widespread in EM tutorials). The estimates "
        "below are computed here, not copied.",
        "notes": {
            "loglik": "sum over phenotypes of n_ph * log P(ph | pA, pB, pO) under Hardy-Weinberg; the "
            "multinomial coefficient is excluded (stored separately; add it for the full multinomial "
            "log-likelihood).",
            "em": "gene counting from pA = pB = pO = 1/3; em_path[i] are the frequencies after i EM "
            "iterations (E: expected AA/AO and BB/BO counts; M: allele counts / 2N).",
        },
        "mle_em": {"pA": em_p[0], "pB": em_p[1], "pO": em_p[2], "loglik": float(loglik(em_p)),
                   "iterations": em_iters},
        "mle_direct": {"pA": opt_p[0], "pB": opt_p[1], "pO": opt_p[2], "loglik": float(loglik(opt_p)),
                       "method": "scipy.optimize.minimize SLSQP with sum-to-one constraint",
                       "success": bool(res.success)},
        "mle_score_root": {"pA": rt_p[0], "pB": rt_p[1], "pO": rt_p[2], "loglik": float(loglik(rt_p)),
                           "method": "scipy.optimize.root (hybr) on the analytic gradient in (pA, pB), "
                           "pO = 1 - pA - pB", "success": bool(root.success)},
        "textbook_4dp": {"pA": 0.2136, "pB": 0.0501, "pO": 0.7363,
                         "note": "the MLE rounded to 4 decimals (equal to the values usually quoted for these "
                         "counts); the test checks that the computed MLE rounds to them"},
        "log_multinomial_coefficient": logcoef,
        "em_path": path,
    }
    for key in ("pA", "pB", "pO"):
        assert abs(fixture["mle_em"][key] - fixture["mle_direct"][key]) < 1e-7, key
        assert abs(fixture["mle_em"][key] - fixture["mle_score_root"][key]) < 1e-12, key
        assert round(fixture["mle_em"][key], 4) == fixture["textbook_4dp"][key], key
    out = os.path.join(HERE, "abo.json")
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1, allow_nan=False)
        f.write("\n")
    print(out, fixture["mle_em"], fixture["mle_direct"], fixture["mle_score_root"])


if __name__ == "__main__":
    main()
