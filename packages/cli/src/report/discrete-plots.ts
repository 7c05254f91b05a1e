/**
 * Plots for discrete models, whose fitted distributions are tables of probabilities rather than
 * densities: a grouped bar chart of per-component probabilities (a mixture of categoricals'
 * or Bernoullis' rows, LDA's topic–word distributions), the top words of each topic, and for the
 * Poisson–lognormal the observed count frequencies against the fitted marginal pmf
 * p(y) = ∫ Poisson(y | e^η) N(η | μ, σ) dη, computed by adaptive Gauss–Hermite quadrature.
 */
import { lgamma } from '@emforge/runtime';
import { asMatrix } from './data-views.js';
import type { ReportInput, ReportPlot } from './report-input.js';

const schema = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Categories shown as grouped bars at most; a longer table gets the top-words plot only. */
const maxCategories = 40;
/** Words listed per topic. */
const topWords = 8;

/**
 * The per-component probability tables among the params: `theta[K]: simplex[C]` (each row a
 * distribution over C categories) and `p[K]: prob[D]` (each entry a Bernoulli probability).
 */
function probabilityTables(input: ReportInput): { name: string; rows: number[][]; simplex: boolean }[] {
  const tables: { name: string; rows: number[][]; simplex: boolean }[] = [];
  for (const p of input.program.params) {
    const simplex = p.element === 'simplex';
    if ((!simplex && p.element !== 'prob') || p.dims.length !== 1 || p.shape.length !== 1) continue;
    const rows = asMatrix(input.result.params[p.name]);
    if (rows && rows.length > 0 && rows.every((r) => r.every(Number.isFinite)))
      tables.push({ name: p.name, rows, simplex });
  }
  return tables;
}

/** Grouped bars: one group per category (or coordinate), one bar per component. */
export function categoryProbabilityPlots(input: ReportInput): ReportPlot[] | undefined {
  const plots: ReportPlot[] = [];
  for (const { name, rows, simplex } of probabilityTables(input)) {
    const width = rows[0]!.length;
    if (width > maxCategories) continue;
    const values = rows.flatMap((row, k) =>
      row.map((probability, c) => ({ category: c, component: `${name}[${k}]`, probability })),
    );
    plots.push({
      kind: 'category-probabilities',
      title: `${name}: fitted ${simplex ? 'probabilities per category' : 'probabilities'}`,
      caption: simplex
        ? `Each row ${name}[k] is a distribution over ${width} categories: one bar per row k in each category's group. Rows that differ are what tells the components apart.`
        : `Each entry ${name}[k][d] is a probability: one bar per row k at each coordinate d.`,
      spec: {
        $schema: schema,
        width: Math.min(720, Math.max(240, width * (rows.length * 9 + 8))),
        height: 240,
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'category', type: 'ordinal', title: simplex ? 'category' : 'coordinate' },
          xOffset: { field: 'component', type: 'nominal' },
          y: { field: 'probability', type: 'quantitative', title: 'probability' },
          color: { field: 'component', type: 'nominal', title: 'row' },
          tooltip: [
            { field: 'component', type: 'nominal' },
            { field: 'category', type: 'ordinal' },
            { field: 'probability', type: 'quantitative', format: '.4f' },
          ],
        },
      },
      marks: ['rect'],
    });
  }
  return plots.length > 0 ? plots : undefined;
}

/** The most probable categories of each row of a topic–word table (LDA's topics). */
export function topWordsPlot(input: ReportInput): ReportPlot | undefined {
  const table = probabilityTables(input).find((t) => t.simplex && t.rows.length > 1);
  if (!table) return undefined;
  const { name, rows } = table;
  const count = Math.min(topWords, rows[0]!.length);
  const values = rows.flatMap((row, k) =>
    row
      .map((probability, word) => ({ probability, word }))
      .sort((a, b) => b.probability - a.probability || a.word - b.word)
      .slice(0, count)
      .map((w, rank) => ({ topic: `${name}[${k}]`, rank, label: `word ${w.word}`, probability: w.probability })),
  );
  return {
    kind: 'top-words',
    title: `${name}: the top ${count} words of each topic`,
    caption: `For each topic ${name}[k], its ${count} most probable words (category indices of the data), longest bar first; a word that tops several topics is shared between them.`,
    spec: {
      $schema: schema,
      data: { values },
      facet: { column: { field: 'topic', type: 'nominal', title: null } },
      spec: {
        width: 150,
        height: count * 18,
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: { field: 'rank', order: 'ascending' }, title: null },
          x: { field: 'probability', type: 'quantitative', title: 'probability' },
          color: { field: 'topic', type: 'nominal', legend: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
    marks: ['rect'],
  };
}

/** Gauss–Hermite nodes and weights (weight e^{-t²}) by Newton's method on the Hermite recurrence. */
export function gaussHermite(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const pim4 = Math.PI ** -0.25;
  let z = 0;
  for (let i = 0; i < (n + 1) >> 1; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0]!;
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1]!;
    else z = 2 * z - nodes[i - 2]!;
    let pp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // Orthonormal Hermite polynomials by their recurrence, and the derivative of the last.
      let p1 = pim4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const step = p1 / pp;
      z -= step;
      if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    nodes[i] = z;
    nodes[n - 1 - i] = -z;
    weights[i] = 2 / (pp * pp);
    weights[n - 1 - i] = weights[i]!;
  }
  return { nodes, weights };
}

/**
 * The Poisson–lognormal pmf at each count of `ys`: p(y) = ∫ Poisson(y | e^η) N(η | μ, σ²) dη by
 * adaptive Gauss–Hermite quadrature: the `n`-point rule is centred at the mode η̂ of the
 * integrand (Newton's method) and scaled by its curvature, s = (e^η̂ + 1/σ²)^(-1/2), so that a
 * count far in the tail of the prior is integrated where its mass is; summed in log space.
 */
export function poissonLognormalPmf(mu: number, sigma: number, ys: ArrayLike<number>, n = 48): Float64Array {
  const { nodes, weights } = gaussHermite(n);
  const v = sigma * sigma;
  const out = new Float64Array(ys.length);
  const terms = new Float64Array(n);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i]!;
    // The mode of y·η − e^η − (η − μ)²/(2σ²): concave, so Newton from a safe start converges.
    let eta = Math.min(mu + v * y, Math.log(y + 1) + 1);
    for (let iter = 0; iter < 100; iter++) {
      const e = Math.exp(eta);
      const step = (y - e - (eta - mu) / v) / (e + 1 / v);
      eta += step;
      if (Math.abs(step) < 1e-14 * Math.max(1, Math.abs(eta))) break;
    }
    const scale = 1 / Math.sqrt(Math.exp(eta) + 1 / v);
    const constant = Math.log(Math.SQRT2 * scale) - lgamma(y + 1) - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      const t = nodes[j]!;
      const x = eta + Math.SQRT2 * scale * t;
      terms[j] = Math.log(weights[j]!) + t * t + y * x - Math.exp(x) - ((x - mu) * (x - mu)) / (2 * v);
      if (terms[j]! > max) max = terms[j]!;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(terms[j]! - max);
    out[i] = Math.exp(constant + max + Math.log(sum));
  }
  return out;
}

/** Observed count frequencies with the fitted Poisson–lognormal pmf over them. */
export function poissonLognormalPlot(input: ReportInput): ReportPlot | undefined {
  const program = input.program;
  if (program.kind !== 'variational' || program.form !== 'poisson-lognormal') return undefined;
  const mu = input.result.params[program.location];
  const sigma = input.result.params[program.scale];
  const y = input.data.variables[program.observed]?.values;
  if (typeof mu !== 'number' || typeof sigma !== 'number' || !y) return undefined;
  const observed = Array.from(y).filter(Number.isFinite);
  if (observed.length === 0) return undefined;
  const max = observed.reduce((a, b) => Math.max(a, b));
  const top = Math.min(max + Math.max(2, Math.ceil(0.1 * max)), 2000);
  const counts = new Float64Array(top + 1);
  for (const v of observed) counts[v]! += 1;
  const grid = Float64Array.from({ length: top + 1 }, (_, i) => i);
  const pmf = poissonLognormalPmf(mu, sigma, grid);
  const values = [
    ...[...grid].map((x) => ({ layer: 'bar', lo: x - 0.4, hi: x + 0.4, share: counts[x]! / observed.length })),
    ...[...grid].map((x) => ({ layer: 'pmf', x, share: pmf[x]! })),
  ];
  const name = program.observed;
  return {
    kind: 'count-pmf',
    title: `${name}: observed frequencies and the fitted Poisson–lognormal pmf`,
    caption: `Bars are the observed share of each count of ${name}; the line is the fitted marginal probability ∫ Poisson(${name} | e^η) Normal(η | ${program.location}, ${program.scale}) dη (adaptive Gauss–Hermite quadrature, 48 nodes).`,
    spec: {
      $schema: schema,
      width: 560,
      height: 300,
      data: { values },
      layer: [
        {
          transform: [{ filter: "datum.layer === 'bar'" }],
          mark: { type: 'rect', color: '#c7d4e4', stroke: '#8fa6c2', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'lo', type: 'quantitative', title: name },
            x2: { field: 'hi' },
            y: { field: 'share', type: 'quantitative', title: 'probability' },
          },
        },
        {
          transform: [{ filter: "datum.layer === 'pmf'" }],
          mark: { type: 'line', point: true, color: '#222222' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'share', type: 'quantitative' } },
        },
      ],
    },
    marks: ['rect', 'line', 'symbol'],
  };
}
