/**
 * Shared by the missing-data tests: an independent brute-force reference for Gaussian rows with
 * missing entries (null), written with plain arrays and Gaussian elimination with partial
 * pivoting — no Cholesky, no pattern grouping, nothing from the runtime — plus small data
 * simulators and comparison helpers.
 */
import { makeStreams, sampleStdNormal } from '@emforge/runtime';

export type Row = readonly (number | null)[];
type Matrix = readonly (readonly number[])[];

/** Solves A X = B (B with several columns) and returns X and log |det A|. */
export function solve(a: Matrix, b: Matrix): { x: number[][]; logDet: number } {
  const m = a.length;
  const w = a.map((row, i) => [...row, ...(b[i] ?? [])]);
  const cols = w[0]?.length ?? 0;
  let logDet = 0;
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(w[r]![c]!) > Math.abs(w[pivot]![c]!)) pivot = r;
    [w[c], w[pivot]] = [w[pivot]!, w[c]!];
    const d = w[c]![c]!;
    logDet += Math.log(Math.abs(d));
    for (let j = c; j < cols; j++) w[c]![j]! /= d;
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = w[r]![c]!;
      if (f === 0) continue;
      for (let j = c; j < cols; j++) w[r]![j]! -= f * w[c]![j]!;
    }
  }
  return { x: w.map((row) => row.slice(m)), logDet };
}

const indices = (row: Row, observed: boolean) => row.flatMap((v, j) => ((v !== null) === observed ? [j] : []));

/** log N(x_o | mu_o, Sigma_oo) of one row; 0 for a row with nothing observed. */
export function observedLogDensity(row: Row, mu: readonly number[], sigma: Matrix): number {
  const o = indices(row, true);
  if (o.length === 0) return 0;
  const r = o.map((j) => (row[j] as number) - mu[j]!);
  const { x, logDet } = solve(
    o.map((i) => o.map((j) => sigma[i]![j]!)),
    r.map((v) => [v]),
  );
  const quad = r.reduce((s, v, i) => s + v * x[i]![0]!, 0);
  return -0.5 * (o.length * Math.log(2 * Math.PI) + logDet + quad);
}

/** The row with its missing entries replaced by E[x_m | x_o] = mu_m + Sigma_mo Sigma_oo⁻¹ (x_o − mu_o). */
export function conditionalMean(row: Row, mu: readonly number[], sigma: Matrix): number[] {
  const o = indices(row, true);
  const m = indices(row, false);
  if (o.length === 0) return [...mu];
  const r = o.map((j) => (row[j] as number) - mu[j]!);
  const { x } = solve(
    o.map((i) => o.map((j) => sigma[i]![j]!)),
    r.map((v) => [v]),
  );
  const out = row.map((v) => v ?? 0);
  for (const a of m) out[a] = mu[a]! + o.reduce((s, j, i) => s + sigma[a]![j]! * x[i]![0]!, 0);
  return out;
}

function logSumExp(xs: readonly number[]): number {
  const max = Math.max(...xs);
  return max + Math.log(xs.reduce((s, v) => s + Math.exp(v - max), 0));
}

/** log w_k + log N(x_o | ·) per component. */
export function componentTerms(row: Row, weights: readonly number[], mus: Matrix, sigmas: readonly Matrix[]): number[] {
  return weights.map((w, k) => Math.log(w) + observedLogDensity(row, mus[k]!, sigmas[k]!));
}

/** Σ_n log Σ_k w_k N(x_n,o | mu_k,o, Sigma_k,oo) over rows with an observed entry. */
export function mixtureLogLik(
  rows: readonly Row[],
  weights: readonly number[],
  mus: Matrix,
  sigmas: readonly Matrix[],
) {
  return rows.reduce(
    (s, row) => (row.every((v) => v === null) ? s : s + logSumExp(componentTerms(row, weights, mus, sigmas))),
    0,
  );
}

/** The responsibilities of one row. */
export function responsibilities(
  row: Row,
  weights: readonly number[],
  mus: Matrix,
  sigmas: readonly Matrix[],
): number[] {
  const t = componentTerms(row, weights, mus, sigmas);
  const z = logSumExp(t);
  return t.map((v) => Math.exp(v - z));
}

/**
 * N rows from a mixture of Gaussians given by means and Cholesky-free covariances (the
 * generating covariance factored here by the test's own square root), then `fraction` of the
 * entries blanked at random (each independently). Seeded.
 */
export function simulateRows(
  seed: number,
  n: number,
  weights: readonly number[],
  mus: Matrix,
  sigmas: readonly Matrix[],
  fraction: number,
): (number | null)[][] {
  const [rng] = makeStreams(seed, 1);
  if (!rng) throw new Error('no stream');
  const d = mus[0]!.length;
  const roots = sigmas.map((s) => lowerRoot(s));
  const rows: (number | null)[][] = [];
  for (let i = 0; i < n; i++) {
    let u = rng.uniform();
    let k = 0;
    while (k < weights.length - 1 && u >= weights[k]!) u -= weights[k++]!;
    const e = Array.from({ length: d }, () => sampleStdNormal(rng));
    const row = mus[k]!.map((m, a) => m + roots[k]![a]!.reduce((s, l, b) => s + l * e[b]!, 0));
    rows.push(row.map((v) => (rng.uniform() < fraction ? null : Math.round(v * 1e4) / 1e4)));
  }
  return rows;
}

/** A lower-triangular L with L Lᵀ = S (the textbook recurrence, for simulation only). */
function lowerRoot(s: Matrix): number[][] {
  const d = s.length;
  const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let v = s[i]![j]!;
      for (let k = 0; k < j; k++) v -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(v) : v / l[j]![j]!;
    }
  }
  return l;
}

/** max |a − b| / max(|b|, tiny) over the flattened values. */
export function relativeDifference(a: unknown, b: unknown): number {
  const fa = [a].flat(4) as number[];
  const fb = [b].flat(4) as number[];
  if (fa.length !== fb.length) return Number.POSITIVE_INFINITY;
  const scale = Math.max(1e-300, ...fb.map(Math.abs));
  return Math.max(...fa.map((v, i) => Math.abs(v - fb[i]!))) / scale;
}
