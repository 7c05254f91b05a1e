/**
 * Writes the simulated data of the examples (and the one small published data set that needs
 * no download, the genetic-linkage counts): `examples/<name>/data.json` in the layout of
 * LANGUAGE.md's "Data files", plus `truth.json` with the parameters that generated it, for
 * parameter-recovery checks once fitting exists.
 *
 *     pnpm exec tsx examples/simulate.ts            # all examples
 *     pnpm exec tsx examples/simulate.ts mvn-missing
 *
 * Every example has its own seeded xoroshiro128+ stream (pure-rand), so reruns write identical
 * files and changing one example leaves the others alone. Files are written atomically.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const examplesDir = dirname(fileURLToPath(import.meta.url));

type Json = number | string | boolean | null | readonly Json[] | { readonly [key: string]: Json };
type Vector = number[];
type Matrix = number[][];

// ---------------------------------------------------------------- random variates

/** A seeded source of the few distributions the examples need. */
class Random {
  private readonly rng: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return uniformInt(this.rng, lo, hi);
  }

  /** Standard normal (Box–Muller; 1 − u keeps the logarithm finite). */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma with shape and rate (Marsaglia and Tsang 2000; shape < 1 by boosting). */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = 1 - this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  }

  /** Poisson by multiplying uniforms (Knuth); fine for the small rates used here. */
  poisson(rate: number): number {
    const limit = Math.exp(-rate);
    let k = 0;
    let p = 1 - this.uniform();
    while (p > limit) {
      k++;
      p *= 1 - this.uniform();
    }
    return k;
  }

  /** A category 0 … p.length − 1 with probabilities p. */
  categorical(p: readonly number[]): number {
    let u = this.uniform();
    for (let k = 0; k < p.length; k++) {
      u -= p[k] ?? 0;
      if (u < 0) return k;
    }
    return p.length - 1;
  }

  bernoulli(p: number): number {
    return this.uniform() < p ? 1 : 0;
  }

  /** Multivariate normal with mean mu and covariance sigma. */
  mvnormal(mu: Vector, sigma: Matrix): Vector {
    const l = cholesky(sigma);
    const e = mu.map(() => this.normal());
    return mu.map((m, i) => m + e.reduce((acc, ej, j) => acc + (l[i]?.[j] ?? 0) * ej, 0));
  }
}

/** Lower-triangular L with L Lᵀ = a (a symmetric positive definite). */
function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l: Matrix = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      const row = l[i] as Vector;
      row[j] = i === j ? Math.sqrt(s) : s / (l[j]?.[j] ?? 1);
    }
  }
  return l;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const dot = (a: Vector, b: Vector): number => a.reduce((acc, ai, i) => acc + ai * (b[i] ?? 0), 0);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Rounds to 4 decimals so the files stay small and diff well (and never writes -0). */
function round(x: number): number {
  const r = Math.round(x * 1e4) / 1e4;
  return r === 0 ? 0 : r;
}
const roundAll = (v: Vector): Vector => v.map(round);

// ---------------------------------------------------------------- the examples

interface Simulated {
  /** The data file: one key per `data` declaration. */
  readonly data: Record<string, Json>;
  /** The generating parameters (and, where useful, latent values). */
  readonly truth: Record<string, Json>;
}

const simulations: Record<string, () => Simulated> = {
  /** Durbin et al.'s dishonest casino: a fair and a loaded die, several sequences of rolls. */
  'hmm-dishonest-casino': () => {
    const r = new Random(1001);
    const init = [0.8, 0.2];
    const trans = [
      [0.95, 0.05],
      [0.1, 0.9],
    ];
    const emit = [
      [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6],
      [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
    ];
    const S = 8;
    const y: number[][] = [];
    const h: number[][] = [];
    for (let s = 0; s < S; s++) {
      const length = r.int(120, 300);
      const states = [r.categorical(init)];
      for (let t = 1; t < length; t++) states.push(r.categorical(trans[states[t - 1] ?? 0] ?? []));
      h.push(states);
      y.push(states.map((k) => r.categorical(emit[k] ?? [])));
    }
    return { data: { y }, truth: { init, trans, emit: emit.map(roundAll), h } };
  },

  /** Factor analysis: six observed variables driven by two factors plus diagonal noise. */
  'factor-analysis': () => {
    const r = new Random(1002);
    const N = 300;
    const W = [
      [0.9, 0.0],
      [0.8, 0.1],
      [0.7, -0.2],
      [0.1, 0.9],
      [-0.1, 0.8],
      [0.2, 0.7],
    ];
    const mu = [1, 0, -1, 2, 0.5, -0.5];
    const psi = [0.3, 0.4, 0.5, 0.3, 0.4, 0.5];
    const x = range(N).map(() => {
      const f = [r.normal(), r.normal()];
      return roundAll(mu.map((m, d) => m + dot(W[d] ?? [], f) + (psi[d] ?? 0) * r.normal()));
    });
    return { data: { x }, truth: { W, mu, psi } };
  },

  /** Counts from two Poisson sources with a Dirichlet(2) prior on the weights. */
  'poisson-mixture-map': () => {
    const r = new Random(1003);
    const N = 400;
    const w = [0.35, 0.65];
    const rate = [2.5, 9];
    const z = range(N).map(() => r.categorical(w));
    const y = z.map((k) => r.poisson(rate[k] ?? 0));
    return { data: { y }, truth: { w, rate, z } };
  },

  /** Positive durations from two Gamma sources: shape and rate per component (family-MLE M-step). */
  'gamma-mixture': () => {
    const r = new Random(1011);
    const N = 600;
    const w = [0.4, 0.6];
    const shape = [2, 9];
    const rate = [1, 3];
    const z = range(N).map(() => r.categorical(w));
    const y = z.map((k) => round(r.gamma(shape[k] ?? 1, rate[k] ?? 1)));
    return { data: { y }, truth: { w, shape, rate, z } };
  },

  /** Two hidden groups answering yes/no with different logistic regressions on two covariates. */
  'mixture-logistic': () => {
    const r = new Random(1004);
    const N = 600;
    const w = [0.4, 0.6];
    const beta = [
      [-1, 2, -1],
      [1, -1.5, 2],
    ];
    const X = range(N).map(() => roundAll([1, r.normal(), r.normal()]));
    const z = X.map(() => r.categorical(w));
    const y = X.map((xn, n) => r.bernoulli(logistic(dot(xn, beta[z[n] ?? 0] ?? []))));
    return { data: { X, y }, truth: { w, beta, z } };
  },

  /** A correlated four-dimensional normal with 20% of the entries missing completely at random. */
  'mvn-missing': () => {
    const r = new Random(1005);
    const N = 300;
    const mu = [1, -1, 0.5, 2];
    const Sigma = [
      [1.0, 0.6, 0.3, 0.0],
      [0.6, 2.0, 0.5, 0.4],
      [0.3, 0.5, 1.5, -0.3],
      [0.0, 0.4, -0.3, 1.0],
    ];
    const complete = range(N).map(() => roundAll(r.mvnormal(mu, Sigma)));
    // Exactly 20% of the N·D entries, a uniformly random subset (partial Fisher–Yates shuffle).
    const cells = range(N * mu.length);
    const missing = Math.round(0.2 * cells.length);
    for (let i = 0; i < missing; i++) {
      const j = r.int(i, cells.length - 1);
      [cells[i], cells[j]] = [cells[j] ?? 0, cells[i] ?? 0];
    }
    const isMissing = new Set(cells.slice(0, missing));
    const x = complete.map((row, n) => row.map((v, d) => (isMissing.has(n * mu.length + d) ? null : v)));
    return { data: { x }, truth: { mu, Sigma, missingFraction: 0.2, complete } };
  },

  /** A bivariate Student-t (ν = 4) written as a Gamma scale mixture of normals. */
  'student-t-scale-mixture': () => {
    const r = new Random(1006);
    const N = 300;
    const nu = 4;
    const mu = [1, -2];
    const Sigma = [
      [2.0, 0.8],
      [0.8, 1.0],
    ];
    const u = range(N).map(() => r.gamma(nu / 2, nu / 2));
    const x = u.map((un) =>
      roundAll(
        r.mvnormal(
          mu,
          Sigma.map((row) => row.map((v) => v / un)),
        ),
      ),
    );
    return { data: { nu, x }, truth: { mu, Sigma, u: roundAll(u) } };
  },

  /**
   * Not simulated: Rao's (1973) genetic-linkage counts 125, 18, 20, 34 used by Dempster,
   * Laird and Rubin (1977), expanded to one phenotype class (0–3) per animal.
   */
  'genetic-linkage': () => {
    const counts = [125, 18, 20, 34];
    const y = counts.flatMap((c, k) => new Array<number>(c).fill(k));
    return { data: { y }, truth: { counts, thetaMle: 0.626821497870982 } };
  },

  /**
   * Not simulated: the same counts for DLR's own formulation, plus the fixed 0/1 table that
   * merges the five hidden sub-classes into the four observed classes.
   */
  'genetic-linkage-em': () => {
    const counts = [125, 18, 20, 34];
    const y = counts.flatMap((c, k) => new Array<number>(c).fill(k));
    const merge = [
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ];
    return { data: { y, merge }, truth: { counts, thetaMle: 0.626821497870982 } };
  },

  /**
   * Not simulated: the ABO phenotype counts nA = 186, nB = 38, nAB = 13, nO = 284 of the classic
   * gene-counting example (K. Lange, Applied Probability), one phenotype (A, B, AB, O = 0–3) per
   * person, and the fixed 0/1 table from genotype (alleles A, B, O = 0–2) to phenotype. The MLE
   * is that of test/peers/abo/abo.json (gene counting, checked two other ways there).
   */
  'abo-blood-groups': () => {
    const counts = [186, 38, 13, 284];
    const y = counts.flatMap((c, k) => new Array<number>(c).fill(k));
    const phenotypeOf = [
      [0, 2, 0],
      [2, 1, 1],
      [0, 1, 3],
    ];
    const pheno = phenotypeOf.map((row) => row.map((ph) => range(4).map((k) => (k === ph ? 1 : 0))));
    const pMle = [0.21359093908950372, 0.05014532886944852, 0.7362637320410478];
    return {
      data: { y, pheno },
      truth: { counts: { A: 186, B: 38, AB: 13, O: 284 }, pMle, logLikMle: -511.57146971620915 },
    };
  },
};

// ---------------------------------------------------------------- writing

/** JSON with one line per innermost array, so data files read and diff like tables. */
function format(value: Json, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => format(v)).join(', ')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const inner = `${indent}  `;
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Writes a temporary file beside the target, then renames it over the target. */
function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

function main(names: readonly string[]): void {
  const chosen = names.length > 0 ? names : Object.keys(simulations);
  for (const name of chosen) {
    const simulate = simulations[name];
    if (!simulate) {
      process.stderr.write(`unknown example '${name}'; known: ${Object.keys(simulations).join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
    const { data, truth } = simulate();
    writeAtomically(join(examplesDir, name, 'data.json'), `${format(data)}\n`);
    writeAtomically(join(examplesDir, name, 'truth.json'), `${format(truth)}\n`);
    process.stdout.write(`wrote examples/${name}/data.json and truth.json\n`);
  }
}

main(process.argv.slice(2));
