#!/usr/bin/python3
"""Cross-check the GMM fixtures after regenerating them (prints a table; exit 1 on disagreement):
sklearn vs mclust (shared forms) and the plain numpy EM of common_gmm vs mclust (all six forms),
same start, same number of iterations. Max relative difference over weights, means, covariances
(max |a-b| / max |a| per array) and the log-likelihood.

    /usr/bin/python3 test/peers/gmm/crosscheck.py
"""
import glob
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep test/peers free of __pycache__
from common_gmm import HERE, ROOT, loglik, max_rel_diff, numpy_em

TOL = 1e-9


def data_of(fx):
    d = fx["data"]
    if d.get("inline"):
        return np.array(d["x"], dtype=float)
    with open(os.path.join(ROOT, d["source"])) as f:
        return np.array(json.load(f)[d["key"]], dtype=float)


def diff(a, b):
    return max(max_rel_diff(a["weights"], b["weights"]), max_rel_diff(a["means"], b["means"]),
               max_rel_diff(a["covariances"], b["covariances"]), abs(a["loglik"] - b["loglik"]) / abs(b["loglik"]))


def main():
    worst = 0.0
    for f in sorted(glob.glob(os.path.join(HERE, "*.mclust.json"))):
        mc = json.load(open(f))
        sk = json.load(open(f.replace(".mclust.", ".sklearn.")))
        x = data_of(mc)
        for form, e in mc["forms"].items():
            ini = e["initial"]
            row = []
            for r in e["runs"]:
                w, m, c = numpy_em(x, form, ini["weights"], ini["means"], ini["covariances"], r["n_iter"])
                ref = {"weights": w, "means": m, "covariances": c, "loglik": loglik(x, w, m, c)}
                d_np = diff(ref, r)
                d_sk = diff(sk["forms"][form]["runs"][len(row)], r) if form in sk["forms"] else float("nan")
                worst = max(worst, d_np, 0.0 if np.isnan(d_sk) else d_sk)
                row.append(f"n={r['n_iter']}: numpy {d_np:.1e} sklearn {d_sk:.1e}")
            print(f"{mc['dataset']:28s} {e['mclust_model']} {form:15s} " + " | ".join(row))
    print(f"worst relative difference {worst:.2e} (tolerance {TOL})")
    sys.exit(0 if worst < TOL else 1)


if __name__ == "__main__":
    main()
