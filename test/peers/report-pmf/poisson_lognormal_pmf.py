"""Reference for the report's Poisson-lognormal pmf and Gauss-Hermite rule (test/report/discrete-plots.test.ts).

p(y) = integral of Poisson(y | exp(eta)) Normal(eta | mu, sigma) d eta, by scipy.integrate.quad
over eta (adaptive, independent of any quadrature rule), for a few (mu, sigma) and counts y;
and numpy's Gauss-Hermite nodes and weights (hermgauss) for n = 5, 20.
Run: /usr/bin/python3 test/peers/report-pmf/poisson_lognormal_pmf.py > test/peers/report-pmf/poisson-lognormal-pmf.json
"""
import json

import numpy as np
from scipy import integrate, stats
from scipy.special import gammaln


def pmf(y, mu, sigma):
    def f(eta):
        return np.exp(y * eta - np.exp(eta) - gammaln(y + 1)) * stats.norm.pdf(eta, mu, sigma)

    lo, hi = mu - 12 * sigma, mu + 12 * sigma
    value, _ = integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-13, limit=500, points=[np.log(max(y, 0.5))])
    return value


cases = []
for mu, sigma in [(1.0, 0.5), (0.2, 1.3), (2.5, 0.8)]:
    ys = list(range(0, 40))
    cases.append({"mu": mu, "sigma": sigma, "y": ys, "pmf": [pmf(y, mu, sigma) for y in ys]})
rules = []
for n in (5, 20):
    nodes, weights = np.polynomial.hermite.hermgauss(n)
    rules.append({"n": n, "nodes": nodes.tolist(), "weights": weights.tolist()})
print(json.dumps({"source": "scipy.integrate.quad; numpy.polynomial.hermite.hermgauss", "cases": cases, "rules": rules}))
