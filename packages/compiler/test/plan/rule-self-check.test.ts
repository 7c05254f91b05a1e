/**
 * Self-check of every closed-form M-step rule (issue 3): on seeded random data and random expected
 * statistics, the runtime's update for the rule is a stationary point (central-difference gradient
 * ≈ 0 in the free coordinates) and a maximum (random small feasible steps do not increase it) of the
 * expected complete-data log-likelihood Q, which is written here independently from the log-densities
 * (plus the log prior for MAP rules; constants dropped). A rule in `updateRules` without a row here
 * and an update in the runtime fails the meta-test.
 */
import { closedFormUpdates, priorPrecision } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { updateRules } from '../../src/plan/rules/index.js';

/** One M-step problem: Q over the free coordinates of the param, and the update's result in them. */
interface Problem {
  readonly name: string;
  readonly q: (t: readonly number[]) => number;
  readonly theta: readonly number[];
  /** Whether free coordinates give a param in its support (simplex, (0,1), positive, SPD). */
  readonly feasible: (t: readonly number[]) => boolean;
}

type Vec = number[];
type Mat = number[][];

// ---------------------------------------------------------------- random problems

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function makeRng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const int = (lo: number, hi: number) => lo + Math.floor(uniform() * (hi - lo + 1));
  const between = (lo: number, hi: number) => lo + (hi - lo) * uniform();
  const poisson = (rate: number) => {
    let k = 0;
    let p = Math.exp(-rate);
    let s = p;
    const u = uniform();
    while (u > s && k < 1000) {
      k++;
      p *= rate / k;
      s += p;
    }
    return k;
  };
  /** Weights in (0, 1) normalised per item: shape [n, k]. */
  const responsibilities = (n: number, k: number): Mat =>
    Array.from({ length: n }, () => {
      const raw = Array.from({ length: k }, () => between(0.05, 1));
      const sum = raw.reduce((x, y) => x + y, 0);
      return raw.map((r) => r / sum);
    });
  const weights = (n: number): Vec => Array.from({ length: n }, () => between(0.05, 1));
  const vector = (d: number, scale = 1): Vec => Array.from({ length: d }, () => scale * normal());
  const matrix = (r: number, c: number, scale = 1): Mat => Array.from({ length: r }, () => vector(c, scale));
  /** A random symmetric positive definite matrix A Aᵀ + 0.3 I. */
  const spd = (d: number, scale = 1): Mat => {
    const a = matrix(d, d, scale);
    return a.map((ai, i) => a.map((aj, j) => dot(ai, aj) + (i === j ? 0.3 * scale * scale : 0)));
  };
  return { uniform, normal, int, between, poisson, responsibilities, weights, vector, matrix, spd };
}
type Rng = ReturnType<typeof makeRng>;

// ---------------------------------------------------------------- small algebra, independent of the runtime

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const sum = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);
const column = (m: Mat, k: number) => m.map((row) => row[k]!);
const sumOver = (n: number, f: (i: number) => number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += f(i);
  return s;
};

/** Cholesky factor L (lower) of a symmetric matrix, or undefined when it is not positive definite. */
function cholesky(a: Mat): Mat | undefined {
  const d = a.length;
  const l: Mat = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  return l;
}

/** log|A| and x ↦ xᵀ A⁻¹ x for an SPD A, through its Cholesky factor. */
function gaussianTerms(a: Mat): { logDet: number; quad: (x: readonly number[]) => number } | undefined {
  const l = cholesky(a);
  if (!l) return undefined;
  const logDet = 2 * sum(l.map((row, i) => Math.log(row[i]!)));
  const quad = (x: readonly number[]) => {
    const z: Vec = [];
    for (let i = 0; i < x.length; i++) z.push((x[i]! - sumOver(i, (k) => l[i]![k]! * z[k]!)) / l[i]![i]!);
    return dot(z, z);
  };
  return { logDet, quad };
}

/** Free coordinates of a symmetric matrix: its upper triangle, row by row. */
const upper = (a: ArrayLike<number>, d: number): Vec => {
  const t: Vec = [];
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) t.push(a[i * d + j]!);
  return t;
};
const fromUpper = (t: readonly number[], d: number): Mat => {
  const a: Mat = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  let k = 0;
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      a[i]![j] = t[k]!;
      a[j]![i] = t[k]!;
      k++;
    }
  return a;
};

/** A simplex in its K − 1 free coordinates (the last entry is 1 − the rest): moving t_i moves along e_i − e_K. */
const simplex = (t: readonly number[]): Vec => [...t, 1 - sum(t)];
const isSimplex = (t: readonly number[]) => simplex(t).every((p) => p > 0);
const positive = (t: readonly number[]) => t.every((v) => v > 0);
const unit = (t: readonly number[]) => t.every((v) => v > 0 && v < 1);
const anywhere = () => true;

// ---------------------------------------------------------------- the log-densities Q is made of (constants dropped)

const logPoisson = (x: number, rate: number) => x * Math.log(rate) - rate;
const logBinomial = (x: number, trials: number, p: number) => x * Math.log(p) + (trials - x) * Math.log(1 - p);
const logExponential = (x: number, rate: number) => Math.log(rate) - rate * x;
const logGammaGivenShape = (x: number, shape: number, rate: number) => shape * Math.log(rate) - rate * x;
const logNormal = (x: number, mean: number, sd: number) => -Math.log(sd) - ((x - mean) / sd) ** 2 / 2;
const logGammaPrior = (v: number, a: number, b: number) => (a - 1) * Math.log(v) - b * v;
const logBetaPrior = (p: number, a: number, b: number) => (a - 1) * Math.log(p) + (b - 1) * Math.log(1 - p);

/**
 * E[log Normal(x | mean + W f, sd)] under f with mean ef and second moment eff:
 * E[(x − mean − W f)²] = (x − mean − W ef)² + W (eff − ef efᵀ) Wᵀ.
 */
function expectedLogNormalAffine(x: number, mean: number, wRow: Vec, ef: Vec, eff: Mat, sd: number): number {
  const cov = eff.map((row, a) => row.map((v, b) => v - ef[a]! * ef[b]!));
  const spread = sum(wRow.map((wa, a) => wa * dot(cov[a]!, wRow)));
  return -Math.log(sd) - ((x - mean - dot(wRow, ef)) ** 2 + spread) / (2 * sd * sd);
}

/** Random posterior moments of an L-dimensional latent per item: E[f] and E[f fᵀ] = E[f] E[f]ᵀ + SPD. */
function latentMoments(rng: Rng, n: number, l: number): { ef: Mat; eff: Mat[] } {
  const ef = rng.matrix(n, l);
  const eff = ef.map((m) => {
    const s = rng.spd(l, 0.5);
    return m.map((ma, a) => m.map((mb, b) => ma * mb + s[a]![b]!));
  });
  return { ef, eff };
}

// ---------------------------------------------------------------- one row per rule

const u = closedFormUpdates;

/** Scalar-parameter problems where Q is Σ_n w[n] logf(x[n], θ) (+ a log prior). */
function scalar(name: string, theta: number, feasible: Problem['feasible'], q: (v: number) => number): Problem {
  return { name, theta: [theta], feasible, q: (t) => q(t[0]!) };
}

function gaussianScaleData(rng: Rng, tied: boolean, d: number) {
  const n = rng.int(20, 50);
  const k = tied ? rng.int(2, 3) : 1;
  const x = rng.matrix(n, d, 2);
  const r = tied ? rng.responsibilities(n, k) : [rng.weights(n)].flatMap((w) => w.map((v) => [v]));
  const means = rng.matrix(k, d);
  const components = means.map((mean, j) => ({ w: column(r, j), mean }));
  return { n, k, x, r, means, components };
}

function covarianceProblem(rng: Rng, tied: boolean, scaled: boolean, prior: boolean): Problem {
  const d = rng.int(2, 3);
  const { n, k, x, r, means, components } = gaussianScaleData(rng, tied, d);
  const eu = scaled ? rng.weights(n).map((v) => 4 * v) : undefined;
  const nu = d + rng.between(0, 3);
  const psi = rng.spd(d);
  const input = { x, components, ...(eu ? { u: eu } : {}) };
  const result = prior ? u['inv-wishart-map']({ ...input, nu, scale: psi.flat() }) : u['mv-normal-covariance'](input);
  const q = (t: readonly number[]) => {
    const sigma = fromUpper(t, d);
    const g = gaussianTerms(sigma);
    if (!g) return Number.NEGATIVE_INFINITY;
    // log MvNormal(x | mu, Sigma / u) = −½ log|Sigma| − ½ u (x − mu)ᵀ Sigma⁻¹ (x − mu) + const.
    let total = sumOver(n, (i) =>
      sumOver(k, (j) => {
        const res = x[i]!.map((v, a) => v - means[j]![a]!);
        return r[i]![j]! * (-g.logDet / 2 - ((eu?.[i] ?? 1) * g.quad(res)) / 2);
      }),
    );
    if (prior) {
      // log InvWishart(Sigma | nu, Psi) = −(nu + D + 1)/2 log|Sigma| − ½ tr(Psi Sigma⁻¹) + const.
      // tr(Psi Sigma⁻¹) = Σ_c l_cᵀ Sigma⁻¹ l_c over the columns l_c of Psi's Cholesky factor.
      const lp = cholesky(psi)!;
      const trPsi = sumOver(d, (c) => g.quad(lp.map((row) => row[c]!)));
      total += -((nu + d + 1) / 2) * g.logDet - trPsi / 2;
    }
    return total;
  };
  return {
    name: `${tied ? 'tied' : 'per state'}${scaled ? ', scaled by E[u]' : ''}, D=${d}`,
    theta: upper(result, d),
    feasible: (t) => cholesky(fromUpper(t, d)) !== undefined,
    q,
  };
}

const rows: Record<string, (rng: Rng) => Problem[]> = {
  'categorical-probabilities': (rng) => {
    const n = rng.int(20, 50);
    const k = rng.int(2, 3);
    const r = rng.responsibilities(n, k);
    const p = u['categorical-probabilities']({ counts: Array.from({ length: k }, (_, j) => sum(column(r, j))) });
    const q = (t: readonly number[]) => {
      const pk = simplex(t);
      return sumOver(n, (i) => sumOver(k, (j) => r[i]![j]! * Math.log(pk[j]!)));
    };
    return [{ name: `K=${k}`, theta: p.slice(0, -1), feasible: isSimplex, q }];
  },

  'multinomial-probabilities': (rng) => {
    const n = rng.int(20, 50);
    const m = rng.int(2, 3);
    const x = Array.from({ length: n }, () => Array.from({ length: m }, () => rng.poisson(rng.between(1, 6))));
    const w = rng.weights(n);
    const p = u['multinomial-probabilities']({ x, w });
    // log Multinomial(x | p) = Σ_m x[m] log p[m] + const.
    const q = (t: readonly number[]) => {
      const pm = simplex(t);
      return sumOver(n, (i) => w[i]! * sumOver(m, (j) => x[i]![j]! * Math.log(pm[j]!)));
    };
    return [{ name: `M=${m}`, theta: p.slice(0, -1), feasible: isSimplex, q }];
  },

  'poisson-rate': (rng) => {
    const n = rng.int(20, 50);
    const x = Array.from({ length: n }, () => rng.poisson(rng.between(0.5, 8)));
    const w = rng.weights(n);
    const rate = u['poisson-rate']({ x, w });
    return [scalar('rate', rate, positive, (v) => sumOver(n, (i) => w[i]! * logPoisson(x[i]!, v)))];
  },

  'bernoulli-probability': (rng) => {
    const n = rng.int(20, 50);
    const x = Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0));
    x[0] = 1;
    x[1] = 0;
    const w = rng.weights(n);
    const p = u['bernoulli-probability']({ x, w });
    return [scalar('p', p, unit, (v) => sumOver(n, (i) => w[i]! * logBinomial(x[i]!, 1, v)))];
  },

  'binomial-probability': (rng) => {
    const n = rng.int(20, 50);
    const trials = Array.from({ length: n }, () => rng.int(5, 15));
    const x = trials.map((t) => Math.floor(rng.uniform() * (t + 1)));
    const w = rng.weights(n);
    const p = u['binomial-probability']({ x, w, trials });
    return [scalar('p', p, unit, (v) => sumOver(n, (i) => w[i]! * logBinomial(x[i]!, trials[i]!, v)))];
  },

  'exponential-rate': (rng) => {
    const n = rng.int(20, 50);
    const x = Array.from({ length: n }, () => -Math.log(1 - rng.uniform()) / rng.between(0.5, 3));
    const w = rng.weights(n);
    const rate = u['exponential-rate']({ x, w });
    return [scalar('rate', rate, positive, (v) => sumOver(n, (i) => w[i]! * logExponential(x[i]!, v)))];
  },

  'gamma-rate': (rng) => {
    const n = rng.int(20, 50);
    const x = Array.from({ length: n }, () => rng.between(0.1, 5));
    const w = rng.weights(n);
    const shape = rng.between(0.5, 4);
    const shapes = Array.from({ length: n }, () => rng.between(0.5, 4));
    const constant = u['gamma-rate']({ x, w, shape });
    const perItem = u['gamma-rate']({ x, w, shape: shapes });
    return [
      scalar('constant shape', constant, positive, (v) =>
        sumOver(n, (i) => w[i]! * logGammaGivenShape(x[i]!, shape, v)),
      ),
      scalar('shape per item (data)', perItem, positive, (v) =>
        sumOver(n, (i) => w[i]! * logGammaGivenShape(x[i]!, shapes[i]!, v)),
      ),
    ];
  },

  'linear-gaussian-mean': (rng) => {
    const n = rng.int(20, 50);
    const d = rng.int(2, 3);
    const l = rng.int(1, 2);
    const x = rng.matrix(n, d, 2);
    const { ef, eff } = latentMoments(rng, n, l);
    const psi = Array.from({ length: d }, () => rng.between(0.3, 2));
    const problems: Problem[] = [false, true].map((weighted) => {
      const w = weighted ? rng.weights(n) : undefined;
      const { loadings, offset } = u['linear-gaussian-mean']({ x, ef, eff, ...(w ? { w } : {}) });
      // Free coordinates: W row-major [D, L], then mu [D].
      const q = (t: readonly number[]) =>
        sumOver(n, (i) =>
          sumOver(
            d,
            (a) =>
              (w?.[i] ?? 1) *
              expectedLogNormalAffine(x[i]![a]!, t[d * l + a]!, t.slice(a * l, a * l + l), ef[i]!, eff[i]!, psi[a]!),
          ),
        );
      return {
        name: `${weighted ? 'weighted (mixture of FA)' : 'FA'}, D=${d}, L=${l}`,
        theta: [...loadings, ...offset],
        feasible: anywhere,
        q,
      };
    });
    // No offset and a latent child (a Kalman transition f[t] ~ Normal(A f[t − 1], psi)): random
    // joint moments of (x, f) — mean m, second moment m mᵀ + SPD — and Q = Σ_d −E[(x_d − A_d f)²] / (2 psi_d²).
    const means = Array.from({ length: n }, () => rng.vector(d + l));
    const second = means.map((m) => {
      const spread = rng.spd(d + l, 0.7);
      return m.map((ma, i) => m.map((mb, j) => ma * mb + spread[i]![j]!));
    });
    const ex = means.map((m) => m.slice(0, d));
    const efj = means.map((m) => m.slice(d));
    const exf = second.map((sec) => sec.slice(0, d).map((row) => row.slice(d)));
    const effj = second.map((sec) => sec.slice(d).map((row) => row.slice(d)));
    const { loadings } = u['linear-gaussian-mean']({ x: ex, ef: efj, eff: effj, exf, offset: false });
    const kalman = (t: readonly number[]) =>
      sumOver(n, (i) =>
        sumOver(d, (a) => {
          const row = t.slice(a * l, a * l + l);
          const ex2 = second[i]![a]![a]!;
          const expected = ex2 - 2 * dot(row, exf[i]![a]!) + sum(row.map((ra, b) => ra * dot(effj[i]![b]!, row)));
          return -expected / (2 * psi[a]! ** 2);
        }),
      );
    problems.push({
      name: `no offset, latent child, D=${d}, L=${l}`,
      theta: [...loadings],
      feasible: anywhere,
      q: kalman,
    });
    return problems;
  },

  'linear-gaussian-noise': (rng) => {
    const n = rng.int(20, 50);
    const d = rng.int(2, 3);
    const l = rng.int(1, 2);
    const x = rng.matrix(n, d, 2);
    const { ef, eff } = latentMoments(rng, n, l);
    const wMat = rng.matrix(d, l);
    const mu = rng.vector(d);
    const w = rng.weights(n);
    const common = { x, ef, eff, w, loadings: Float64Array.from(wMat.flat()), offset: mu };
    const diag = u['linear-gaussian-noise']({ ...common, form: 'diagonal' });
    const sph = u['linear-gaussian-noise']({ ...common, form: 'spherical' });
    const q = (sd: (a: number) => number) =>
      sumOver(n, (i) =>
        sumOver(d, (a) => w[i]! * expectedLogNormalAffine(x[i]![a]!, mu[a]!, wMat[a]!, ef[i]!, eff[i]!, sd(a))),
      );
    return [
      { name: `diagonal, D=${d}`, theta: [diag].flat(), feasible: positive, q: (t) => q((a) => t[a]!) },
      { name: `spherical, D=${d}`, theta: [sph].flat(), feasible: positive, q: (t) => q(() => t[0]!) },
    ];
  },

  'normal-mean': (rng) => {
    const n = rng.int(20, 50);
    const x = rng.vector(n, 3);
    const w = rng.weights(n);
    const sd = rng.between(0.5, 2);
    const mean = u['normal-mean']({ x, w });
    return [scalar('mean', mean, anywhere, (v) => sumOver(n, (i) => w[i]! * logNormal(x[i]!, v, sd)))];
  },

  'normal-sd': (rng) =>
    (
      [
        ['scalar', false, 1],
        ['scalar', true, 1],
        ['spherical', false, 3],
        ['spherical', true, 2],
        ['diagonal', false, 3],
        ['diagonal', true, 2],
      ] as const
    ).map(([form, tied, d]) => {
      const { n, k, x, r, means, components } = gaussianScaleData(rng, tied, d);
      const sd = u['normal-sd']({ x, components, form });
      const q = (t: readonly number[]) =>
        sumOver(n, (i) =>
          sumOver(k, (j) =>
            sumOver(d, (a) => r[i]![j]! * logNormal(x[i]![a]!, means[j]![a]!, form === 'diagonal' ? t[a]! : t[0]!)),
          ),
        );
      return { name: `${tied ? 'tied' : 'per state'} ${form}, D=${d}`, theta: [sd].flat(), feasible: positive, q };
    }),

  'mv-normal-mean': (rng) =>
    [false, true].map((scaled) => {
      const n = rng.int(20, 50);
      const d = rng.int(2, 3);
      const x = rng.matrix(n, d, 2);
      const w = rng.weights(n);
      const eu = scaled ? rng.weights(n).map((v) => 4 * v) : undefined;
      const g = gaussianTerms(rng.spd(d))!;
      const mean = u['mv-normal-mean']({ x, w, ...(eu ? { u: eu } : {}) });
      const q = (t: readonly number[]) =>
        sumOver(n, (i) => (-w[i]! * (eu?.[i] ?? 1) * g.quad(x[i]!.map((v, a) => v - t[a]!))) / 2);
      return { name: `${scaled ? 'scaled by E[u]' : 'plain'}, D=${d}`, theta: mean, feasible: anywhere, q };
    }),

  'mv-normal-covariance': (rng) => [
    covarianceProblem(rng, false, false, false),
    covarianceProblem(rng, true, false, false),
    covarianceProblem(rng, false, true, false),
    covarianceProblem(rng, true, true, false),
  ],

  'student-t-location': (rng) =>
    [1, 2, 3].map((d) => {
      const n = rng.int(20, 50);
      const x = rng.matrix(n, d, 2);
      const w = rng.weights(n);
      const eu = rng.weights(n).map((v) => 4 * v);
      const g = gaussianTerms(rng.spd(d))!;
      const mean = u['student-t-location']({ x, w, u: eu });
      // The t's complete-data term in the location: −½ u (x − mu)ᵀ Sigma⁻¹ (x − mu), weighted.
      const q = (t: readonly number[]) =>
        sumOver(n, (i) => (-w[i]! * eu[i]! * g.quad(x[i]!.map((v, a) => v - t[a]!))) / 2);
      return { name: `D=${d}`, theta: mean, feasible: anywhere, q };
    }),

  'student-t-scale': (rng) =>
    (
      [
        [false, 2],
        [true, 3],
        [false, 1],
        [true, 1],
      ] as const
    ).map(([tied, d]) => {
      const { n, k, x, r, means } = gaussianScaleData(rng, tied, d);
      // One expected precision per item and component (E[u | x, k] differs between components).
      const eu = means.map(() => rng.weights(n).map((v) => 4 * v));
      const components = means.map((mean, j) => ({ w: column(r, j), u: eu[j]!, mean }));
      const sd = d === 1;
      const result = u['student-t-scale']({ x, components, form: sd ? 'sd' : 'cov' });
      // log N(x | mu, Sigma / u) in Sigma: −½ log|Sigma| − ½ u (x − mu)ᵀ Sigma⁻¹ (x − mu); for sd, Sigma = sd².
      const q = (t: readonly number[]) => {
        const g = gaussianTerms(sd ? [[t[0]! * t[0]!]] : fromUpper(t, d));
        if (!g || (sd && !(t[0]! > 0))) return Number.NEGATIVE_INFINITY;
        return sumOver(n, (i) =>
          sumOver(
            k,
            (j) => r[i]![j]! * (-g.logDet / 2 - (eu[j]![i]! * g.quad(x[i]!.map((v, a) => v - means[j]![a]!))) / 2),
          ),
        );
      };
      return sd
        ? { name: `${tied ? 'tied' : 'per state'} sd`, theta: [result[0]!], feasible: positive, q }
        : {
            name: `${tied ? 'tied' : 'per state'} scale matrix, D=${d}`,
            theta: upper(result, d),
            feasible: (t: readonly number[]) => cholesky(fromUpper(t, d)) !== undefined,
            q,
          };
    }),

  'regression-coefficients': (rng) => {
    const n = rng.int(20, 50);
    const p = rng.int(2, 3);
    const x = Array.from({ length: n }, () => [1, ...rng.vector(p - 1, 2)]);
    const y = x.map((row) => dot(row, [1, -0.5, 2]) + rng.normal());
    const w = rng.weights(n);
    const { coefficients, sd } = u['regression-coefficients']({ x, y, w });
    // Free coordinates: beta [P], then sd.
    const q = (t: readonly number[]) => sumOver(n, (i) => w[i]! * logNormal(y[i]!, dot(x[i]!, t.slice(0, p)), t[p]!));
    return [{ name: `P=${p}`, theta: [...coefficients, sd], feasible: (t) => t[p]! > 0, q }];
  },

  'dirichlet-map': (rng) => {
    const n = rng.int(20, 50);
    const k = rng.int(2, 3);
    const alpha = Array.from({ length: k }, () => rng.between(1, 4));
    const r = rng.responsibilities(n, k);
    const xm = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.poisson(3)));
    const w = rng.weights(n);
    const logPrior = (pk: Vec) => sum(pk.map((v, j) => (alpha[j]! - 1) * Math.log(v)));
    const categorical = u['dirichlet-map']({ counts: Array.from({ length: k }, (_, j) => sum(column(r, j))), alpha });
    const totals = Array.from({ length: k }, (_, j) => sumOver(n, (i) => w[i]! * xm[i]![j]!));
    const multinomial = u['dirichlet-map']({ counts: totals, alpha });
    return [
      {
        name: `Categorical, K=${k}`,
        theta: categorical.slice(0, -1),
        feasible: isSimplex,
        q: (t) => {
          const pk = simplex(t);
          return sumOver(n, (i) => sumOver(k, (j) => r[i]![j]! * Math.log(pk[j]!))) + logPrior(pk);
        },
      },
      {
        name: `Multinomial, M=${k}`,
        theta: multinomial.slice(0, -1),
        feasible: isSimplex,
        q: (t) => {
          const pk = simplex(t);
          return sumOver(n, (i) => w[i]! * sumOver(k, (j) => xm[i]![j]! * Math.log(pk[j]!))) + logPrior(pk);
        },
      },
    ];
  },

  'beta-map': (rng) => {
    const n = rng.int(20, 50);
    const a = rng.between(1, 4);
    const b = rng.between(1, 4);
    const w = rng.weights(n);
    const ones = Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const trials = Array.from({ length: n }, () => rng.int(5, 15));
    const x = trials.map((t) => Math.floor(rng.uniform() * (t + 1)));
    const bern = u['beta-map']({ x: ones, w, a, b });
    const binom = u['beta-map']({ x, w, trials, a, b });
    return [
      scalar(
        'Bernoulli',
        bern,
        unit,
        (v) => sumOver(n, (i) => w[i]! * logBinomial(ones[i]!, 1, v)) + logBetaPrior(v, a, b),
      ),
      scalar(
        'Binomial',
        binom,
        unit,
        (v) => sumOver(n, (i) => w[i]! * logBinomial(x[i]!, trials[i]!, v)) + logBetaPrior(v, a, b),
      ),
    ];
  },

  'gamma-map': (rng) => {
    const n = rng.int(20, 50);
    const a = rng.between(1, 4);
    const b = rng.between(0.1, 3);
    const w = rng.weights(n);
    const counts = Array.from({ length: n }, () => rng.poisson(rng.between(0.5, 6)));
    const times = Array.from({ length: n }, () => -Math.log(1 - rng.uniform()) / rng.between(0.5, 3));
    const pois = u['gamma-map']({ x: counts, w, a, b, likelihood: 'Poisson' });
    const expo = u['gamma-map']({ x: times, w, a, b, likelihood: 'Exponential' });
    return [
      scalar(
        'Poisson rate',
        pois,
        positive,
        (v) => sumOver(n, (i) => w[i]! * logPoisson(counts[i]!, v)) + logGammaPrior(v, a, b),
      ),
      scalar(
        'Exponential rate',
        expo,
        positive,
        (v) => sumOver(n, (i) => w[i]! * logExponential(times[i]!, v)) + logGammaPrior(v, a, b),
      ),
    ];
  },

  'inv-wishart-map': (rng) => [
    covarianceProblem(rng, false, false, true),
    covarianceProblem(rng, true, false, true),
    covarianceProblem(rng, false, true, true),
  ],

  'normal-inverse-wishart-map': (rng) => {
    // Q + log NIW prior in (mu, Sigma) jointly, for one component with weights w:
    // Σ_n w[n] log MvNormal(x[n] | mu, Sigma) + log MvNormal(mu | m0, Sigma / kappa) + log InvWishart(Sigma | nu, Psi).
    const d = rng.int(2, 3);
    const n = rng.int(20, 50);
    const x = rng.matrix(n, d, 2);
    const w = rng.weights(n);
    const m0 = rng.vector(d, 2);
    const kappa = rng.between(0.05, 3);
    const nu = d + rng.between(0, 3);
    const psi = rng.spd(d);
    const { mean, cov } = u['normal-inverse-wishart-map']({ x, w, m0, kappa, nu, scale: psi.flat() });
    const lp = cholesky(psi)!;
    const q = (t: readonly number[]) => {
      const mu = t.slice(0, d);
      const g = gaussianTerms(fromUpper(t.slice(d), d));
      if (!g) return Number.NEGATIVE_INFINITY;
      const likelihood = sumOver(n, (i) => w[i]! * (-g.logDet / 2 - g.quad(x[i]!.map((v, a) => v - mu[a]!)) / 2));
      // log|Sigma / kappa| = log|Sigma| − D log kappa; the constant is dropped.
      const meanPrior = -g.logDet / 2 - (kappa * g.quad(mu.map((v, a) => v - m0[a]!))) / 2;
      const trPsi = sumOver(d, (c) => g.quad(lp.map((row) => row[c]!)));
      const covPrior = -((nu + d + 1) / 2) * g.logDet - trPsi / 2;
      return likelihood + meanPrior + covPrior;
    };
    return [
      {
        name: `D=${d}, kappa=${kappa.toFixed(2)}`,
        theta: [...mean, ...upper(cov, d)],
        feasible: (t) => cholesky(fromUpper(t.slice(d), d)) !== undefined,
        q,
      },
    ];
  },

  'mv-normal-mean-map': (rng) =>
    [2, 3].map((d) => {
      const n = rng.int(20, 50);
      const x = rng.matrix(n, d, 2);
      const w = rng.weights(n);
      const sigma = rng.spd(d);
      const s0 = rng.spd(d, 0.5);
      const m0 = rng.vector(d, 2);
      const g = gaussianTerms(sigma)!;
      const prior = gaussianTerms(s0)!;
      // P0 = S0⁻¹ by the runtime's own helper; the objective below uses S0 through its Cholesky factor.
      const mean = u['mv-normal-mean-map']({
        x,
        w,
        cov: sigma.flat(),
        priorMean: m0,
        priorPrecision: priorPrecision(s0.flat(), d),
      });
      const q = (t: readonly number[]) =>
        sumOver(n, (i) => (-w[i]! * g.quad(x[i]!.map((v, a) => v - t[a]!))) / 2) -
        prior.quad(t.map((v, a) => v - m0[a]!)) / 2;
      return { name: `MvNormal prior, D=${d}`, theta: mean, feasible: anywhere, q };
    }),

  'normal-mean-map': (rng) => {
    const n = rng.int(20, 50);
    const x = rng.vector(n, 3);
    const w = rng.weights(n);
    const sd = rng.between(0.5, 2);
    const priorMean = rng.normal() * 2;
    const priorSd = rng.between(0.2, 2);
    const mean = u['normal-mean-map']({ x, w, sd, priorMean, priorSd });
    return [
      scalar(
        'mean',
        mean,
        anywhere,
        (v) => sumOver(n, (i) => w[i]! * logNormal(x[i]!, v, sd)) + logNormal(v, priorMean, priorSd),
      ),
    ];
  },
};

// ---------------------------------------------------------------- the checks

const SEEDS = [1, 2, 3, 4, 5];

/** Central-difference gradient of Q in the free coordinates, each component scaled by its coordinate's size. */
function scaledGradient(p: Problem): Vec {
  return p.theta.map((v, i) => {
    const size = Math.max(Math.abs(v), 0.01);
    const h = 1e-5 * size;
    const plus = [...p.theta];
    const minus = [...p.theta];
    plus[i] = v + h;
    minus[i] = v - h;
    return ((p.q(plus) - p.q(minus)) / (2 * h)) * Math.max(size, 1);
  });
}

describe('closed-form M-step rules: the update maximises the expected complete-data log-likelihood', () => {
  it('every rule in updateRules has a self-check row and a runtime update', () => {
    const ids = updateRules.map((r) => r.id).sort();
    expect(Object.keys(rows).sort()).toEqual(ids);
    expect(Object.keys(closedFormUpdates).sort()).toEqual(ids);
  });

  for (const rule of updateRules) {
    const row = rows[rule.id];
    if (!row) continue;
    describe(rule.id, () => {
      for (const seed of SEEDS) {
        const rng = makeRng(seed * 7919 + rule.id.length);
        for (const p of row(rng)) {
          it(`seed ${seed}, ${p.name}: stationary point and maximum`, () => {
            const q0 = p.q(p.theta);
            const scale = Math.max(1, Math.abs(q0));
            expect(p.feasible(p.theta)).toBe(true);
            expect(Number.isFinite(q0)).toBe(true);
            // (a) stationary: every scaled gradient component ≈ 0 relative to Q's size.
            const grad = scaledGradient(p);
            expect(Math.max(...grad.map(Math.abs)) / scale).toBeLessThan(1e-5);
            // (b) a maximum: small random feasible steps never increase Q.
            let tried = 0;
            for (const step of [1e-3, 1e-2, 1e-1]) {
              for (let r = 0; r < 8; r++) {
                const moved = p.theta.map((v) => v + step * Math.max(Math.abs(v), 0.1) * rng.normal());
                if (!p.feasible(moved)) continue;
                tried++;
                expect(p.q(moved)).toBeLessThanOrEqual(q0 + 1e-12 * scale);
              }
            }
            expect(tried).toBeGreaterThan(0);
          });
        }
      }
    });
  }
});
