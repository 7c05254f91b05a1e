/**
 * Structure and internal consistency of the peer fixtures (test/peers/README.md), without Python
 * or R: shapes, weights on the simplex, symmetric positive-definite covariances of the declared
 * form, and every stored log-likelihood recomputed here from the stored parameters and data
 * (Cholesky for the Gaussians) to 1e-9 relative. sklearn and mclust fixtures of the same data set
 * must share the start and agree with each other, and the discrete references with flexmix.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const REL = 1e-9;

type Mat = number[][];
// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON, checked field by field below
type Json = any;

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8'));
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
const expectRel = (got: number, want: number, tol = REL, what = '') =>
  expect(relDiff(got, want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tol);
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
/** max |a - b| / max |a|, over whole arrays (the measure the scripts print). */
const arrayRelDiff = (a: unknown, b: unknown) => {
  const fa = flat(a);
  const fb = flat(b);
  expect(fa.length).toBe(fb.length);
  const scale = Math.max(...fa.map(Math.abs), 1e-300);
  return Math.max(...fa.map((v, i) => Math.abs(v - fb[i]!))) / scale;
};

function logSumExp(v: number[]): number {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** Lower Cholesky factor; throws if the matrix is not positive definite. */
function cholesky(a: Mat): Mat {
  const d = a.length;
  const l: Mat = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error('not positive definite');
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

function gmmLoglik(x: Mat, w: number[], mu: Mat, cov: Mat[]): number {
  const d = x[0]!.length;
  const chol = cov.map(cholesky);
  const logDet = chol.map((l) => l.reduce((s, row, i) => s + Math.log(row[i]!), 0));
  let total = 0;
  const z = new Array<number>(d);
  for (const row of x) {
    const terms = w.map((wk, k) => {
      const l = chol[k]!;
      let q = 0;
      for (let i = 0; i < d; i++) {
        let s = row[i]! - mu[k]![i]!;
        for (let j = 0; j < i; j++) s -= l[i]![j]! * z[j]!;
        z[i] = s / l[i]![i]!;
        q += z[i]! * z[i]!;
      }
      return Math.log(wk) - 0.5 * q - logDet[k]! - 0.5 * d * Math.log(2 * Math.PI);
    });
    total += logSumExp(terms);
  }
  return total;
}

function expectSimplex(w: number[], k: number) {
  expect(w).toHaveLength(k);
  for (const v of w) expect(v).toBeGreaterThan(0);
  expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
}

const FORMS = ['full', 'tied', 'diag', 'spherical', 'tied_diag', 'tied_spherical'] as const;
type Form = (typeof FORMS)[number];
const MCLUST: Record<Form, string> = {
  full: 'VVV',
  tied: 'EEE',
  diag: 'VVI',
  spherical: 'VII',
  tied_diag: 'EEI',
  tied_spherical: 'EII',
};

/** The full matrices must have the form's structure; the compact form must match them. */
function expectForm(form: Form, cov: Mat[], compact: Json, k: number, d: number) {
  expect(cov).toHaveLength(k);
  for (const c of cov) {
    expect(c).toHaveLength(d);
    for (let i = 0; i < d; i++) {
      expect(c[i]).toHaveLength(d);
      for (let j = 0; j < i; j++) expect(relDiff(c[i]![j]!, c[j]![i]!)).toBeLessThan(1e-12);
    }
    expect(() => cholesky(c)).not.toThrow();
    const offDiag = c.flatMap((row, i) => row.filter((_, j) => j !== i));
    if (form !== 'full' && form !== 'tied') for (const v of offDiag) expect(v).toBe(0);
    if (form === 'spherical' || form === 'tied_spherical') for (let i = 1; i < d; i++) expect(c[i]![i]).toBe(c[0]![0]);
  }
  if (form.startsWith('tied')) for (const c of cov) expect(arrayRelDiff(c, cov[0])).toBe(0);
  const diag = (c: Mat) => c.map((row, i) => row[i]!);
  const want = {
    full: cov,
    tied: cov[0],
    diag: cov.map(diag),
    spherical: cov.map((c) => c[0]![0]),
    tied_diag: diag(cov[0]!),
    tied_spherical: cov[0]![0]![0],
  }[form];
  expect(arrayRelDiff(compact, want)).toBeLessThan(1e-14);
}

function gmmData(fx: Json): Mat {
  const data = fx.data;
  const x: Mat = data.inline ? data.x : readJson(join(root, data.source))[data.key];
  expect(x).toHaveLength(data.n);
  for (const row of x) expect(row).toHaveLength(data.d);
  for (let j = 0; j < data.d; j++) {
    expectRel(
      x.reduce((s, r) => s + r[j]!, 0),
      data.column_sums[j],
      1e-12,
      'column sum',
    );
  }
  return x;
}

const gmmDir = join(here, 'gmm');
const gmmFiles = readdirSync(gmmDir).filter((f) => f.endsWith('.sklearn.json') || f.endsWith('.mclust.json'));

describe('GMM peer fixtures', () => {
  it('has sklearn and mclust fixtures for the four data sets', () => {
    expect(gmmFiles.sort()).toEqual(
      ['iris', 'old_faithful', 'sim_d2_k4_n800_overlapping', 'sim_d3_k3_n500_separated'].flatMap((n) => [
        `${n}.mclust.json`,
        `${n}.sklearn.json`,
      ]),
    );
  });

  for (const file of gmmFiles) {
    it(`${file}: structure, forms, and log-likelihoods recomputed from the stored parameters`, () => {
      const fx = readJson(join(gmmDir, file));
      expect(fx.kind).toBe('gmm');
      expect(typeof fx.peer_version).toBe('string');
      expect(typeof fx.notes.loglik).toBe('string');
      const x = gmmData(fx);
      const k: number = fx.k;
      const d: number = fx.data.d;
      const isSk = fx.peer === 'scikit-learn';
      expect(Object.keys(fx.forms)).toEqual(isSk ? FORMS.slice(0, 4) : [...FORMS]);
      if (!isSk) for (const f of FORMS) expect(fx.forms[f].mclust_model).toBe(MCLUST[f]);
      for (const [form, entry] of Object.entries<Json>(fx.forms)) {
        const states = [entry.initial, ...entry.runs];
        expect(entry.runs.map((r: Json) => r.n_iter)).toEqual(fx.checkpoints);
        let prev = -Infinity;
        for (const s of states) {
          expectSimplex(s.weights, k);
          expect(s.means).toHaveLength(k);
          for (const m of s.means) expect(m).toHaveLength(d);
          expectForm(form as Form, s.covariances, s.covariances_compact, k, d);
          const ll = gmmLoglik(x, s.weights, s.means, s.covariances);
          expectRel(ll, s.loglik, REL, `${file} ${form} n=${s.n_iter ?? 0}`);
          // EM never decreases the log-likelihood, so the checkpoints are ordered.
          expect(s.loglik).toBeGreaterThanOrEqual(prev - 1e-9 * Math.abs(prev));
          prev = s.loglik;
          if (s.peer_score_total !== undefined) expectRel(s.peer_score_total, s.loglik, REL, 'sklearn score*N');
          if (s.peer_loglik !== undefined) expectRel(s.peer_loglik, s.loglik, REL, 'mclust loglik');
        }
      }
    });
  }

  for (const name of ['iris', 'old_faithful', 'sim_d2_k4_n800_overlapping', 'sim_d3_k3_n500_separated']) {
    it(`${name}: sklearn and mclust start at the same point and agree after the same iterations`, () => {
      const sk = readJson(join(gmmDir, `${name}.sklearn.json`));
      const mc = readJson(join(gmmDir, `${name}.mclust.json`));
      expect(mc.checkpoints).toEqual(sk.checkpoints);
      for (const form of FORMS.slice(0, 4)) {
        const a = sk.forms[form];
        const b = mc.forms[form];
        expect(b.mclust_model).toBe(MCLUST[form]);
        for (const key of ['weights', 'means', 'covariances']) expect(b.initial[key]).toEqual(a.initial[key]);
        a.runs.forEach((ra: Json, i: number) => {
          const rb = b.runs[i];
          for (const key of ['weights', 'means', 'covariances']) {
            expect(arrayRelDiff(ra[key], rb[key]), `${form} n=${ra.n_iter} ${key}`).toBeLessThan(1e-9);
          }
          expectRel(ra.loglik, rb.loglik, REL, `${form} n=${ra.n_iter}`);
        });
      }
    });
  }
});

// ---------------------------------------------------------------- discrete mixtures

const logFactorial = (n: number) => {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
};

function discreteLoglik(fx: Json, p: Json): number {
  const w: number[] = p.weights;
  const x: Json[] = fx.data.x;
  return x.reduce((total: number, xi: Json) => {
    const terms = w.map((wk, k) => {
      let lp = Math.log(wk);
      if (fx.family === 'poisson') lp += xi * Math.log(p.rates[k]) - p.rates[k] - logFactorial(xi);
      else if (fx.family === 'binomial') {
        const m: number = fx.data.trials;
        lp += logFactorial(m) - logFactorial(xi) - logFactorial(m - xi);
        lp += xi * Math.log(p.probs[k]) + (m - xi) * Math.log1p(-p.probs[k]);
      } else if (fx.family === 'bernoulli') {
        xi.forEach((v: number, j: number) => {
          lp += v === 1 ? Math.log(p.probs[k][j]) : Math.log1p(-p.probs[k][j]);
        });
      } else {
        xi.forEach((c: number, j: number) => {
          lp += Math.log(p.probs[k][j][c]);
        });
      }
      return lp;
    });
    return total + logSumExp(terms);
  }, 0);
}

const discDir = join(here, 'discrete');
const discrete = ['poisson_k3', 'bernoulli_k3', 'binomial_k3', 'categorical_k3'];

describe('discrete mixture references', () => {
  for (const name of discrete) {
    it(`${name}: data, parameters and the best log-likelihood`, () => {
      const fx = readJson(join(discDir, `${name}.json`));
      expect(fx.kind).toBe('discrete_mixture');
      expect(fx.data.x).toHaveLength(fx.n);
      const best = fx.best;
      expectSimplex(best.weights, fx.k);
      for (const v of flat(fx.data.x)) expect(Number.isInteger(v) && v >= 0).toBe(true);
      if (fx.family === 'poisson') {
        expect([...best.rates]).toEqual([...best.rates].sort((a, b) => a - b));
      } else if (fx.family === 'binomial') {
        for (const v of flat(fx.data.x)) expect(v).toBeLessThanOrEqual(fx.data.trials);
        expect([...best.probs]).toEqual([...best.probs].sort((a, b) => a - b));
      } else {
        expect([...best.weights]).toEqual([...best.weights].sort((a, b) => b - a));
        for (const v of flat(best.probs)) expect(v > 0 && v < 1).toBe(true);
        if (fx.family === 'categorical') {
          for (const row of best.probs.flat())
            expect(Math.abs(row.reduce((s: number, v: number) => s + v, 0) - 1)).toBeLessThan(1e-12);
        }
      }
      expectRel(discreteLoglik(fx, best), best.loglik, REL, name);
      expect(fx.restarts.logliks_sorted_desc[0]).toBe(best.loglik);
    });
  }

  for (const name of discrete.slice(0, 3)) {
    it(`${name}: flexmix reaches the same best log-likelihood and parameters`, () => {
      const fx = readJson(join(discDir, `${name}.json`));
      const fm = readJson(join(discDir, `${name}.flexmix.json`));
      expect(fm.peer).toBe('flexmix');
      expectRel(discreteLoglik(fx, fm.best), fm.best.loglik, REL, `${name} flexmix recomputed`);
      expectRel(fm.best.peer_loglik, fm.best.loglik, REL, `${name} flexmix logLik()`);
      expectRel(fm.best.loglik, fx.best.loglik, REL, `${name} flexmix vs numpy`);
      // The optimum is flat: parameters agree to the accuracy of a 1e-13 log-likelihood stop.
      for (const key of ['weights', 'rates', 'probs']) {
        if (fx.best[key] !== undefined) expect(arrayRelDiff(fx.best[key], fm.best[key])).toBeLessThan(1e-4);
      }
    });
  }
});

// ---------------------------------------------------------------- ABO

describe('ABO allele frequencies', () => {
  const fx = readJson(join(here, 'abo', 'abo.json'));
  const c = fx.counts;
  const loglik = ([a, b, o]: number[]) =>
    c.A * Math.log(a! * a! + 2 * a! * o!) +
    c.B * Math.log(b! * b! + 2 * b! * o!) +
    c.AB * Math.log(2 * a! * b!) +
    c.O * Math.log(o! * o!);
  const emStep = ([a, b, o]: number[]): number[] => {
    const aa = (c.A * a! * a!) / (a! * a! + 2 * a! * o!);
    const bb = (c.B * b! * b!) / (b! * b! + 2 * b! * o!);
    const n2 = 2 * fx.n;
    return [
      (2 * aa + (c.A - aa) + c.AB) / n2,
      (2 * bb + (c.B - bb) + c.AB) / n2,
      (c.A - aa + (c.B - bb) + 2 * c.O) / n2,
    ];
  };
  const p = (e: Json) => [e.pA, e.pB, e.pO];

  it('stores the counts, three agreeing MLEs and a fixed point of EM', () => {
    expect(c).toEqual({ A: 186, B: 38, AB: 13, O: 284 });
    expect(fx.n).toBe(521);
    for (const e of [fx.mle_em, fx.mle_direct, fx.mle_score_root]) {
      expect(Math.abs(e.pA + e.pB + e.pO - 1)).toBeLessThan(1e-12);
      expectRel(loglik(p(e)), e.loglik, 1e-12, 'abo loglik');
    }
    for (const key of ['pA', 'pB', 'pO']) {
      expect(Math.abs(fx.mle_em[key] - fx.mle_direct[key])).toBeLessThan(1e-7);
      expect(Math.abs(fx.mle_em[key] - fx.mle_score_root[key])).toBeLessThan(1e-12);
      expect(Number(fx.mle_em[key].toFixed(4))).toBe(fx.textbook_4dp[key]);
    }
    const next = emStep(p(fx.mle_em));
    p(fx.mle_em).forEach((v, i) => {
      expect(Math.abs(v - next[i]!)).toBeLessThan(1e-14);
    });
  });

  it('stores the EM path from (1/3, 1/3, 1/3)', () => {
    let cur = [1 / 3, 1 / 3, 1 / 3];
    for (const step of fx.em_path) {
      step.p.forEach((v: number, i: number) => {
        expect(Math.abs(v - cur[i]!)).toBeLessThan(1e-14);
      });
      expectRel(loglik(step.p), step.loglik, 1e-12, `abo path ${step.iteration}`);
      cur = emStep(cur);
    }
  });
});
