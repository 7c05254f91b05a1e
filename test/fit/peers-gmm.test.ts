/**
 * Peer agreement for Gaussian mixtures: every fixture under test/peers/gmm (scikit-learn
 * GaussianMixture and R mclust, see their `notes`) is re-run here from the SAME initial
 * parameters for the SAME number of iterations (n M-steps, no covariance regularisation, no
 * early stop), and the log-likelihood at the final parameters and the parameters themselves
 * must agree to 1e-6 relative. Each covariance form is written as the emforge model a user
 * would write. Only a missing fixture directory skips; a mismatch always fails.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitModel, root } from './fit-helpers.js';

const dir = new URL('test/peers/gmm/', root);
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => /\.(sklearn|mclust)\.json$/.test(f))
      .sort()
  : [];
const TOL = 1e-6;

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON
type Json = any;
type Nested = number | Nested[];

/** The model of each covariance form, and how its scale param maps to the fixture's compact covariances. */
const forms: Record<string, { scale: string; sd: boolean }> = {
  full: { scale: 'param  Sigma[K]: cov[D]\n', sd: false },
  tied: { scale: 'param  Sigma: cov[D]\n', sd: false },
  diag: { scale: 'param  s[K]: positive[D]\n', sd: true },
  spherical: { scale: 'param  s[K]: positive\n', sd: true },
  tied_diag: { scale: 'param  s: positive[D]\n', sd: true },
  tied_spherical: { scale: 'param  s: positive\n', sd: true },
};

function modelOf(form: string): string {
  const { scale, sd } = forms[form]!;
  const name = sd ? 's' : 'Sigma';
  const selected = scale.includes('[K]') ? `${name}[z[n]]` : name;
  const observe = sd ? `x[n] ~ Normal(mu[z[n]], ${selected})` : `x[n] ~ MvNormal(mu[z[n]], ${selected})`;
  return `model gmm_${form} {
  size N, D, K
  data   x[N]: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  ${scale}  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    ${observe}
  }
}`;
}

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
const mapNested = (x: Nested, f: (v: number) => number): Nested =>
  Array.isArray(x) ? x.map((v) => mapNested(v, f)) : f(x);
/** max |a − b| / max |b| over whole arrays (the measure the fixture scripts print). */
function relDiff(got: Nested, want: Nested): number {
  const a = flat(got);
  const b = flat(want);
  expect(a.length).toBe(b.length);
  const scale = Math.max(...b.map(Math.abs), 1e-300);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale;
}

function dataOf(fixture: Json): number[][] {
  if (fixture.data.x) return fixture.data.x;
  return JSON.parse(readFileSync(new URL(fixture.data.source, root), 'utf8'))[fixture.data.key];
}

interface Case {
  file: string;
  form: string;
  nIter: number;
}
const cases: Case[] = files.flatMap((file) => {
  const fixture: Json = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  return Object.keys(fixture.forms)
    .filter((form) => forms[form])
    .flatMap((form) => fixture.forms[form].runs.map((run: Json) => ({ file, form, nIter: run.n_iter as number })));
});

describe.skipIf(files.length === 0)('GMM peer fixtures (test/peers/gmm)', () => {
  it('covers every form of every fixture', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('$file $form after $nIter iterations', ({ file, form, nIter }) => {
    const fixture: Json = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    const f = fixture.forms[form];
    const run = f.runs.find((r: Json) => r.n_iter === nIter);
    const sd = forms[form]!.sd;
    const scaleInit = sd ? mapNested(f.initial.covariances_compact, Math.sqrt) : f.initial.covariances_compact;
    const init = { weights: f.initial.weights, mu: f.initial.means, [sd ? 's' : 'Sigma']: scaleInit };
    const result = fitModel(
      modelOf(form),
      { x: dataOf(fixture) },
      { init, maxIter: nIter, tol: 0, regCovar: 0, restarts: 1 },
      { K: fixture.k },
    );
    expect(result.iterations).toBe(nIter);
    expect(
      Math.abs(result.logLik - run.loglik) / Math.abs(run.loglik),
      `loglik ${result.logLik} vs ${run.loglik}`,
    ).toBeLessThan(TOL);
    expect(relDiff(result.params.weights as Nested, run.weights)).toBeLessThan(TOL);
    expect(relDiff(result.params.mu as Nested, run.means)).toBeLessThan(TOL);
    const scale = sd ? mapNested(result.params.s as Nested, (v) => v * v) : (result.params.Sigma as Nested);
    expect(relDiff(scale, run.covariances_compact)).toBeLessThan(TOL);
    expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
  });
});
