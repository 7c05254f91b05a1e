"""Writes data.json and truth.json of the mixture-of-factor-analysers example: N = 1200 points
in D = 6 from K = 3 clusters, each a two-factor analyser, with shared noise sds (numpy, seeded:
reruns write identical files).

Run from the repository root: /usr/bin/python3 examples/mixture-factor-analysers/simulate.py
"""
import json

import numpy as np

rng = np.random.default_rng(2024)
N, D, K, L = 1200, 6, 3, 2
w = np.array([0.5, 0.3, 0.2])
mu = np.array([[0, 0, 0, 0, 0, 0], [6, 4, -3, 2, 0, 5], [-5, 3, 4, -4, 6, 0]], dtype=float)
W = rng.normal(scale=1.2, size=(K, D, L))
psi = np.array([0.5, 0.6, 0.4, 0.7, 0.5, 0.6])
z = rng.choice(K, size=N, p=w)
x = [[round(v, 4) for v in mu[k] + W[k] @ rng.normal(size=L) + psi * rng.normal(size=D)] for k in z]
base = "examples/mixture-factor-analysers/"
with open(base + "data.json", "w") as fh:
    json.dump({"x": x}, fh)
    fh.write("\n")
with open(base + "truth.json", "w") as fh:
    json.dump({"w": w.tolist(), "mu": mu.tolist(), "W": W.tolist(), "psi": psi.tolist()}, fh, indent=2)
    fh.write("\n")
