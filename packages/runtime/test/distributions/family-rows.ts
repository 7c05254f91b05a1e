/**
 * The family test table: one row per registry entry with hand-derived log densities, a total
 * mass computed by summation or integration, analytic moments, fitting options and conjugate
 * priors for MAP. families.test.ts runs the same checks over every row.
 */
import { type FitOptions, findDistribution, lgamma, type NumericValue, type PriorOn } from '../../src/index.js';
import { integrate, integratePositive, integrateReal } from './checks.js';

const F = (...v: number[]) => Float64Array.from(v);
const NEG = Number.NEGATIVE_INFINITY;
const LOG_2PI = Math.log(2 * Math.PI);
const ld = (name: string) => findDistribution(name)!.numerics.logDensity;
const pdf = (name: string, params: NumericValue[]) => (x: NumericValue) => Math.exp(ld(name)(x, params));

export interface MomentCase {
  readonly params: NumericValue[];
  /** Mean and variance of each coordinate of the value (row-major for matrices). */
  readonly mean: number[];
  readonly variance: number[];
}

export interface MapCase {
  readonly label: string;
  readonly priors: PriorOn[];
  readonly logPrior: (params: readonly NumericValue[]) => number;
}

export interface FamilyRow {
  readonly name: string;
  /** Hand-derived: [params, value, log density]. */
  readonly analytic: [NumericValue[], NumericValue, number][];
  /** Σ or ∫ of the density over the support; discrete rows are checked to 1e-10, continuous to 1e-7. */
  readonly mass: () => number;
  readonly discrete: boolean;
  readonly moments: MomentCase[];
  /** Parameters to sample from and recover (exponential families). */
  readonly truth?: NumericValue[];
  readonly fit?: FitOptions;
  readonly maps?: MapCase[];
}

const cov2 = F(2, 0.6, 0.6, 1);
const pBar = F(0.2, 0.5, 0.3);

function* compositions(n: number, k: number): Generator<number[]> {
  if (k === 1) {
    yield [n];
    return;
  }
  for (let i = 0; i <= n; i++) for (const rest of compositions(n - i, k - 1)) yield [i, ...rest];
}

function sumOver(xs: Iterable<NumericValue>, f: (x: NumericValue) => number): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function integrate2(
  f: (x: Float64Array) => number,
  outer: (g: (u: number) => number) => number,
  inner: (u: number, g: (v: number) => number) => number,
): number {
  return outer((u) => inner(u, (v) => f(F(u, v))));
}

export const rows: FamilyRow[] = [
  {
    name: 'Categorical',
    analytic: [
      [[pBar], 1, Math.log(0.5)],
      [[pBar], 3, NEG],
      [[pBar], 1.5, NEG],
      [[F(0.5, 0, 0.5)], 1, NEG],
      [[F(0.5, 0, 0.5)], 2, Math.log(0.5)],
    ],
    mass: () => sumOver(range(3), pdf('Categorical', [pBar])),
    discrete: true,
    moments: [{ params: [pBar], mean: [1.1], variance: [0.49] }],
    truth: [pBar],
    maps: [
      {
        label: 'Dirichlet',
        priors: [{ parameter: 'p', family: 'Dirichlet', params: [F(2, 3, 1.5)] }],
        logPrior: (p) => ld('Dirichlet')(p[0]!, [F(2, 3, 1.5)]),
      },
    ],
  },
  {
    name: 'Bernoulli',
    analytic: [
      [[0.3], 1, Math.log(0.3)],
      [[0.3], 0, Math.log(0.7)],
      [[0], 0, 0],
      [[0], 1, NEG],
      [[1], 1, 0],
      [[0.3], 2, NEG],
    ],
    mass: () => sumOver([0, 1], pdf('Bernoulli', [0.3])),
    discrete: true,
    moments: [{ params: [0.3], mean: [0.3], variance: [0.21] }],
    truth: [0.3],
    maps: [
      {
        label: 'Beta',
        priors: [{ parameter: 'p', family: 'Beta', params: [2, 5] }],
        logPrior: (p) => ld('Beta')(p[0]!, [2, 5]),
      },
    ],
  },
  {
    name: 'Binomial',
    analytic: [
      [[4, 0.5], 2, Math.log(6 / 16)],
      [[3, 0], 0, 0],
      [[3, 0], 1, NEG],
      [[3, 0.5], 5, NEG],
      [[3, 0.5], 2.5, NEG],
    ],
    mass: () => sumOver(range(31), pdf('Binomial', [30, 0.37])),
    discrete: true,
    moments: [
      { params: [20, 0.3], mean: [6], variance: [4.2] },
      { params: [1000, 0.4], mean: [400], variance: [240] },
    ],
    truth: [20, 0.3],
    fit: { known: [20] },
    maps: [
      {
        label: 'Beta',
        priors: [{ parameter: 'p', family: 'Beta', params: [3, 2] }],
        logPrior: (p) => ld('Beta')(p[1]!, [3, 2]),
      },
    ],
  },
  {
    name: 'Multinomial',
    analytic: [
      [[3, F(0.5, 0.25, 0.25)], F(1, 1, 1), Math.log(0.1875)],
      [[3, F(0.5, 0.25, 0.25)], F(1, 1, 2), NEG],
      [[3, F(0.5, 0, 0.5)], F(2, 0, 1), Math.log(0.375)],
      [[3, F(0.5, 0, 0.5)], F(1, 1, 1), NEG],
    ],
    mass: () =>
      sumOver(
        [...compositions(6, 3)].map((c) => F(...c)),
        pdf('Multinomial', [6, pBar]),
      ),
    discrete: true,
    moments: [{ params: [10, pBar], mean: [2, 5, 3], variance: [1.6, 2.5, 2.1] }],
    truth: [10, pBar],
    fit: { known: [10] },
    maps: [
      {
        label: 'Dirichlet',
        priors: [{ parameter: 'p', family: 'Dirichlet', params: [F(1.5, 2, 4)] }],
        logPrior: (p) => ld('Dirichlet')(p[1]!, [F(1.5, 2, 4)]),
      },
    ],
  },
  {
    name: 'Poisson',
    analytic: [
      [[3], 2, 2 * Math.log(3) - 3 - Math.log(2)],
      [[3], 0, -3],
      [[3], -1, NEG],
      [[3], 1.5, NEG],
    ],
    mass: () => sumOver(range(201), pdf('Poisson', [7.5])),
    discrete: true,
    moments: [
      { params: [3.5], mean: [3.5], variance: [3.5] },
      { params: [120], mean: [120], variance: [120] },
    ],
    truth: [3.5],
    maps: [
      {
        label: 'Gamma',
        priors: [{ parameter: 'rate', family: 'Gamma', params: [2, 0.5] }],
        logPrior: (p) => ld('Gamma')(p[0]!, [2, 0.5]),
      },
    ],
  },
  {
    name: 'Normal',
    analytic: [
      [[0, 1], 0, -0.5 * LOG_2PI],
      [[1, 2], 3, -0.5 * LOG_2PI - Math.log(2) - 0.5],
      [[1, 0], 1, NEG],
      [[1, -1], 1, NEG],
    ],
    mass: () => integrateReal(pdf('Normal', [1.5, 0.3])),
    discrete: false,
    moments: [{ params: [1.5, 0.3], mean: [1.5], variance: [0.09] }],
    truth: [1.5, 0.3],
    maps: [
      {
        label: 'Normal on the mean',
        priors: [{ parameter: 'mean', family: 'Normal', params: [0, 0.2] }],
        logPrior: (p) => ld('Normal')(p[0]!, [0, 0.2]),
      },
    ],
  },
  {
    name: 'MvNormal',
    analytic: [
      [[F(0, 0), F(1, 0, 0, 1)], F(0, 0), -LOG_2PI],
      [[F(0, 0), F(2, 0, 0, 0.5)], F(1, 1), -LOG_2PI - 1.25],
      [[F(0, 0), F(1, 2, 2, 1)], F(0, 0), NEG],
      [[F(0, 0), F(1, 0, 0, 1)], F(0, 0, 0), NEG],
    ],
    mass: () =>
      integrate2(
        pdf('MvNormal', [F(1, -2), cov2]),
        (g) => integrateReal(g, 1e-9),
        (_u, g) => integrateReal(g, 1e-10),
      ),
    discrete: false,
    moments: [{ params: [F(1, -2), cov2], mean: [1, -2], variance: [2, 1] }],
    truth: [F(1, -2), cov2],
    maps: [
      {
        label: 'InvWishart on the covariance',
        priors: [{ parameter: 'cov', family: 'InvWishart', params: [6, F(1, 0.2, 0.2, 3)] }],
        logPrior: (p) => ld('InvWishart')(p[1]!, [6, F(1, 0.2, 0.2, 3)]),
      },
      {
        label: 'MvNormal on the mean and InvWishart on the covariance',
        priors: [
          { parameter: 'mean', family: 'MvNormal', params: [F(0, 0), F(0.3, 0.1, 0.1, 0.2)] },
          { parameter: 'cov', family: 'InvWishart', params: [6, F(1, 0.2, 0.2, 3)] },
        ],
        logPrior: (p) =>
          ld('MvNormal')(p[0]!, [F(0, 0), F(0.3, 0.1, 0.1, 0.2)]) + ld('InvWishart')(p[1]!, [6, F(1, 0.2, 0.2, 3)]),
      },
      {
        label: 'normal-inverse-Wishart',
        priors: [{ parameter: 'mean,cov', family: 'NormalInvWishart', params: [F(0, 0), 4, 6, F(1, 0.2, 0.2, 3)] }],
        logPrior: (p) =>
          ld('MvNormal')(p[0]!, [F(0, 0), (p[1] as Float64Array).map((v) => v / 4)]) +
          ld('InvWishart')(p[1]!, [6, F(1, 0.2, 0.2, 3)]),
      },
    ],
  },
  {
    name: 'Exponential',
    analytic: [
      [[2], 1, Math.log(2) - 2],
      [[2], 0, Math.log(2)],
      [[2], -1, NEG],
    ],
    mass: () => integratePositive(pdf('Exponential', [2])),
    discrete: false,
    moments: [{ params: [2], mean: [0.5], variance: [0.25] }],
    truth: [2],
    maps: [
      {
        label: 'Gamma',
        priors: [{ parameter: 'rate', family: 'Gamma', params: [3, 1] }],
        logPrior: (p) => ld('Gamma')(p[0]!, [3, 1]),
      },
    ],
  },
  {
    name: 'Gamma',
    analytic: [
      [[2, 3], 1, 2 * Math.log(3) - 3],
      [[1, 2], 0, Math.log(2)],
      [[2, 1], 0, NEG],
      [[2, 1], -1, NEG],
    ],
    mass: () => integratePositive(pdf('Gamma', [2.5, 1.5])),
    discrete: false,
    moments: [
      { params: [2.5, 1.5], mean: [2.5 / 1.5], variance: [2.5 / 2.25] },
      { params: [0.4, 2], mean: [0.2], variance: [0.1] },
    ],
    truth: [2.5, 1.5],
  },
  {
    name: 'Beta',
    analytic: [
      [[2, 3], 0.5, Math.log(1.5)],
      [[1, 1], 0, 0],
      [[2, 3], 1.2, NEG],
    ],
    mass: () => integrate(pdf('Beta', [2, 3.5]), 0, 1),
    discrete: false,
    moments: [{ params: [2, 3.5], mean: [2 / 5.5], variance: [7 / (5.5 * 5.5 * 6.5)] }],
    truth: [2, 3.5],
  },
  {
    name: 'Dirichlet',
    analytic: [
      [[F(1, 1, 1)], F(0.2, 0.3, 0.5), Math.log(2)],
      [[2], F(0.3, 0.7), Math.log(1.26)],
      [[F(1, 1, 1)], F(0.2, 0.3, 0.6), NEG],
      [[F(1, 1)], F(0.2, 0.3, 0.5), NEG],
    ],
    mass: () =>
      integrate2(
        (x) => Math.exp(ld('Dirichlet')(F(x[0]!, x[1]!, Math.max(1 - x[0]! - x[1]!, 0)), [F(2, 3, 2.5)])),
        (g) => integrate(g, 0, 1, 1e-9),
        (u, g) => integrate(g, 0, 1 - u, 1e-10),
      ),
    discrete: false,
    moments: [
      {
        params: [F(2, 3, 2.5)],
        mean: [2 / 7.5, 3 / 7.5, 2.5 / 7.5],
        variance: [2, 3, 2.5].map((a) => (a * (7.5 - a)) / (7.5 * 7.5 * 8.5)),
      },
    ],
    truth: [F(2, 3, 2.5)],
  },
  {
    name: 'StudentT',
    analytic: [
      [[1, 0, 1], 0, -Math.log(Math.PI)],
      [[1, 0, 1], 1, -Math.log(2 * Math.PI)],
      [[0, 0, 1], 1, NEG],
    ],
    mass: () => integrateReal(pdf('StudentT', [3, 1, 2])),
    discrete: false,
    moments: [{ params: [12, 1, 2], mean: [1], variance: [(4 * 12) / 10] }],
  },
  {
    name: 'MvStudentT',
    analytic: [
      [[1, F(0, 0), F(1, 0, 0, 1)], F(0, 0), -LOG_2PI],
      [[1, F(0, 0), F(1, 2, 2, 1)], F(0, 0), NEG],
    ],
    mass: () =>
      integrate2(
        pdf('MvStudentT', [5, F(1, -2), cov2]),
        (g) => integrateReal(g, 1e-9),
        (_u, g) => integrateReal(g, 1e-10),
      ),
    discrete: false,
    moments: [{ params: [12, F(1, -2), cov2], mean: [1, -2], variance: [2.4, 1.2] }],
  },
  {
    name: 'LogNormal',
    analytic: [
      [[0, 1], 1, -0.5 * LOG_2PI],
      [[0, 1], Math.E, -0.5 * LOG_2PI - 1.5],
      [[0, 1], 0, NEG],
    ],
    mass: () => integratePositive(pdf('LogNormal', [0.2, 0.5])),
    discrete: false,
    moments: [
      {
        params: [0.2, 0.5],
        mean: [Math.exp(0.2 + 0.125)],
        variance: [(Math.exp(0.25) - 1) * Math.exp(0.4 + 0.25)],
      },
    ],
    truth: [0.2, 0.5],
  },
  {
    name: 'InvWishart',
    analytic: [
      [[2, F(2)], F(1), -1],
      [[3, F(1, 0, 0, 1)], F(1, 0, 0, 1), -2 * Math.log(2) - Math.log(Math.PI) - 1],
      [[3, F(1, 0, 0, 1)], F(1, 2, 2, 1), NEG],
      [[0.5, F(1, 0, 0, 1)], F(1, 0, 0, 1), NEG],
    ],
    mass: () => integratePositive((x) => Math.exp(ld('InvWishart')(F(x), [4, F(2)]))),
    discrete: false,
    moments: [invWishartMoments(12, cov2)],
  },
];

/** Mean Ψ/(ν−d−1) and entry variances ((ν−d+1)ψ_ij² + (ν−d−1)ψ_ii ψ_jj) / ((ν−d)(ν−d−1)²(ν−d−3)). */
function invWishartMoments(nu: number, psi: Float64Array): MomentCase {
  const d = Math.round(Math.sqrt(psi.length));
  const mean = [...psi].map((v) => v / (nu - d - 1));
  const variance = [...psi].map((v, ij) => {
    const i = Math.floor(ij / d);
    const j = ij % d;
    return (
      ((nu - d + 1) * v * v + (nu - d - 1) * psi[i * d + i]! * psi[j * d + j]!) /
      ((nu - d) * (nu - d - 1) ** 2 * (nu - d - 3))
    );
  });
  return { params: [nu, psi], mean, variance };
}

/** log InvGamma(x | a, b) = a log b − log Γ(a) − (a + 1) log x − b / x: the 1-D InvWishart(ν, ψ) with a = ν/2, b = ψ/2. */
export function invGammaLogDensity(x: number, a: number, b: number): number {
  return a * Math.log(b) - lgamma(a) - (a + 1) * Math.log(x) - b / x;
}
