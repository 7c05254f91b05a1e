/**
 * Standard errors of a two-component full-covariance Gaussian mixture against nonparametric
 * bootstrap standard errors (issue 6: within 15%). The bootstrap is computed offline by
 * test/peers/se/make_bootstrap.py (scikit-learn refits of 2000 resamples, started at the MLE,
 * components aligned to it) and read from test/peers/se/gmm_bootstrap.json. emforge starts at the
 * fixture's MLE (so that the optimum and the component order are the same), must reach its
 * log-likelihood, and then every entry must have an observed-information standard error within
 * 15% of the bootstrap one. The bootstrap SE itself carries a Monte Carlo error of about 1.6%.
 *
 * On the simulated mixture (the model is true) every entry of weights, mu and Sigma is checked
 * (measured: within 11.1%). On Old Faithful only weights and mu are (within 9.3%): its clusters
 * are not Gaussian (the short eruptions' durations are far from normal), so the model-based
 * errors of the covariances differ from the bootstrap's, which sees the real sampling
 * variability — measured −26.5% for Sigma[0][0][0] and −24.0% for Sigma[1][0][1], the rest
 * within 12%. That is misspecification, not numerics (the same code matches the analytic
 * MvNormal covariance errors to 1e-6, se-analytic.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitAny, readExample, root } from './fit-helpers.js';

interface Dataset {
  readonly name: string;
  readonly x?: number[][];
  readonly mle: { weights: number[]; means: number[][]; covariances: number[][][]; loglik: number };
  readonly bootstrap: {
    readonly replicates: number;
    readonly se: { weights: number[]; means: number[][]; covariances: number[][][] };
  };
}

/** The params checked per data set (see the file comment). */
const checked: Readonly<Record<string, readonly string[]>> = {
  old_faithful: ['weights', 'mu'],
  sim_d2_k2_n600: ['weights', 'mu', 'Sigma'],
};

const fixture = JSON.parse(readFileSync(new URL('test/peers/se/gmm_bootstrap.json', root), 'utf8')) as {
  datasets: Dataset[];
};
const example = readExample('old-faithful-gmm');

/** [entry name, emforge SE, bootstrap SE] for every entry. */
function pairs(se: Record<string, unknown>, boot: Dataset['bootstrap']['se']): [string, number, number][] {
  const out: [string, number, number][] = [];
  const walk = (name: string, a: unknown, b: unknown) => {
    if (!Array.isArray(a) || !Array.isArray(b)) out.push([name, a as number, b as number]);
    else for (const [i, v] of a.entries()) walk(`${name}[${i}]`, v, b[i]);
  };
  walk('weights', se.weights, boot.weights);
  walk('mu', se.mu, boot.means);
  walk('Sigma', se.Sigma, boot.covariances);
  return out;
}

describe('GMM standard errors against the bootstrap', () => {
  for (const dataset of fixture.datasets) {
    const params = checked[dataset.name] ?? [];
    it(`${dataset.name}: every entry of ${params.join(', ')} within 15% of the bootstrap standard error`, () => {
      const data = dataset.x ? { x: dataset.x } : example.data;
      const { mle } = dataset;
      const r = fitAny(example.model, data, {
        seed: 1,
        restarts: 1,
        tol: 1e-13,
        maxIter: 10_000,
        regCovar: 0,
        init: { weights: mle.weights, mu: mle.means, Sigma: mle.covariances },
        standardErrors: true,
      }).result;
      expect(Math.abs(r.logLik - mle.loglik) / Math.abs(mle.loglik)).toBeLessThan(1e-9);
      expect(r.warnings).toEqual([]);
      const entries = pairs(r.standardErrors as Record<string, unknown>, dataset.bootstrap.se);
      expect(entries).toHaveLength(2 + 4 + 8);
      for (const [name, se, boot] of entries.filter(([name]) => params.some((p) => name.startsWith(`${p}[`)))) {
        expect(typeof se, name).toBe('number');
        expect(Math.abs(se - boot) / boot, `${name}: ${se} vs bootstrap ${boot}`).toBeLessThan(0.15);
      }
    });
  }
});
