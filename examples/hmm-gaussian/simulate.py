"""Simulates examples/hmm-gaussian/data.json (and truth.json: the generating parameters and the
hidden regime of every step) from a three-regime Gaussian HMM in two dimensions. Seeded: a
rerun writes identical files. Run from the repository root:

    /usr/bin/python3 examples/hmm-gaussian/simulate.py
"""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TRUTH = {
    "init": [0.6, 0.3, 0.1],
    "trans": [[0.92, 0.05, 0.03], [0.06, 0.9, 0.04], [0.05, 0.1, 0.85]],
    "mu": [[0.0, 0.0], [3.0, 1.0], [-1.0, 3.0]],
    "Sigma": [[[1.0, 0.4], [0.4, 0.8]], [[0.5, -0.2], [-0.2, 0.6]], [[0.8, 0.0], [0.0, 0.3]]],
}


def main():
    rng = np.random.default_rng(20240710)
    y, regimes = [], []
    for _ in range(20):
        length = int(rng.integers(80, 201))
        h = [int(rng.choice(3, p=TRUTH["init"]))]
        for _ in range(length - 1):
            h.append(int(rng.choice(3, p=TRUTH["trans"][h[-1]])))
        y.append([[round(float(v), 4) for v in rng.multivariate_normal(TRUTH["mu"][k], TRUTH["Sigma"][k])] for k in h])
        regimes.append(h)
    for name, value in (("data.json", {"y": y}), ("truth.json", {**TRUTH, "regime": regimes})):
        path = os.path.join(HERE, name)
        with open(path + ".tmp", "w") as f:
            json.dump(value, f, separators=(",", ":"))
            f.write("\n")
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
