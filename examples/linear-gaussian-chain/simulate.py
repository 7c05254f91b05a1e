"""Writes data.json and truth.json of the linear-Gaussian chain example: 30 sequences of
lengths 20-60 from the parameters below (numpy, seeded: reruns write identical files).

Run from the repository root: /usr/bin/python3 examples/linear-gaussian-chain/simulate.py
"""
import json

import numpy as np

rng = np.random.default_rng(7)
theta = 0.3
truth = {
    "A": 0.95 * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]),
    "Q": np.array([[0.3, 0.05], [0.05, 0.2]]),
    "C": np.array([[1.0, 0.2], [0.3, -0.8], [0.5, 0.5]]),
    "R": np.array([[0.5, 0.1, 0.0], [0.1, 0.4, 0.05], [0.0, 0.05, 0.3]]),
    "m0": np.array([1.0, -0.5]),
    "P0": np.array([[1.0, 0.2], [0.2, 0.8]]),
}
x = []
for T in rng.integers(20, 61, size=30):
    f = rng.multivariate_normal(truth["m0"], truth["P0"])
    seq = []
    for t in range(T):
        if t > 0:
            f = truth["A"] @ f + rng.multivariate_normal(np.zeros(2), truth["Q"])
        seq.append([round(v, 4) for v in truth["C"] @ f + rng.multivariate_normal(np.zeros(3), truth["R"])])
    x.append(seq)
base = "examples/linear-gaussian-chain/"
with open(base + "data.json", "w") as fh:
    json.dump({"x": x}, fh)
    fh.write("\n")
with open(base + "truth.json", "w") as fh:
    json.dump({k: v.tolist() for k, v in truth.items()}, fh, indent=2)
    fh.write("\n")
