/**
 * Starting values for the linear-Gaussian executors, from the data's moments: loadings (or an
 * emission matrix) from the leading eigenvectors of the sample covariance, scaled as in the
 * PPCA solution W = U_L (Λ_L − σ² I)^½, noise from what they leave unexplained, a stable
 * transition 0.9 I with Q = 0.19 I (stationary covariance I), and for a mixture k-means++
 * seeds with per-cluster moments. Each run's stream jitters the loadings and the transition,
 * so restarts start apart; user-given values override what they name afterwards.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { kmeansPlusPlus } from '../em/init.js';
import type { ParamValues } from '../em/mixture.js';
import { sampleStdNormal } from '../random/continuous.js';
import type { RandomStream } from '../random/stream.js';
import type { ChainModel } from './chain-model.js';
import type { FactorModel } from './factor-model.js';
import type { ModelValues } from './model-values.js';
import type { LgNoise, LgTerm } from './program.js';

/** Mean and covariance (divide by the weight) of the rows of x whose weight is non-zero. */
function moments(x: Float64Array, d: number, rows: number, weight: (i: number) => number) {
  const mean = new Float64Array(d);
  const cov = new Float64Array(d * d);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weight(i);
    if (w === 0) continue;
    total += w;
    for (let a = 0; a < d; a++) mean[a]! += w * x[i * d + a]!;
  }
  for (let a = 0; a < d; a++) mean[a]! /= total;
  for (let i = 0; i < rows; i++) {
    const w = weight(i);
    if (w === 0) continue;
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        cov[a * d + b]! += (w * (x[i * d + a]! - mean[a]!) * (x[i * d + b]! - mean[b]!)) / total;
  }
  return { mean, cov, total };
}

/** W = U_L (Λ_L − σ² I)^½ and σ² = the mean of the other eigenvalues (a tenth of the mean when none), jittered by the stream. */
function leadingLoadings(cov: Float64Array, d: number, l: number, rng: RandomStream) {
  const evd = new EigenvalueDecomposition(
    new Matrix(Array.from({ length: d }, (_, i) => Array.from(cov.subarray(i * d, (i + 1) * d)))),
    {
      assumeSymmetric: true,
    },
  );
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const rest = order.slice(l).map(([v]) => v);
  const meanAll = order.reduce((s, [v]) => s + Math.max(v, 0), 0) / d;
  const sigma2 = Math.max(
    rest.length > 0 ? rest.reduce((a, b) => a + b, 0) / rest.length : 0.1 * meanAll,
    1e-3 * meanAll,
    1e-12,
  );
  const w = new Float64Array(d * l);
  for (let j = 0; j < Math.min(l, d); j++) {
    const [value, index] = order[j]!;
    const scale = Math.sqrt(Math.max(value - sigma2, 0.1 * sigma2));
    for (let i = 0; i < d; i++)
      w[i * l + j] = evd.eigenvectorMatrix.get(i, index) * scale + (0.1 * scale * sampleStdNormal(rng)) / Math.sqrt(d);
  }
  return { w, sigma2 };
}

/** Writes the noise a covariance leaves after the loadings explain their part, in the noise's form. */
function writeNoise(
  noise: LgNoise,
  cov: Float64Array,
  w: Float64Array,
  d: number,
  l: number,
  sigma2: number,
  out: Float64Array,
) {
  const unexplained = (i: number) => {
    let s = 0;
    for (let j = 0; j < l; j++) s += w[i * l + j]! ** 2;
    return Math.max(cov[i * d + i]! - s, 0.1 * cov[i * d + i]!, 1e-12);
  };
  if (noise.form === 'spherical') out[0] = Math.sqrt(sigma2);
  else if (noise.form === 'diagonal') for (let i = 0; i < d; i++) out[i] = Math.sqrt(unexplained(i));
  else {
    out.fill(0);
    for (let i = 0; i < d; i++) out[i * d + i] = unexplained(i);
  }
}

/** Every param at zero, in its full length. */
export function zeroValues(mv: ModelValues): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [name, p] of mv.params) out[name] = new Float64Array(p.length);
  return out;
}

function paramSlot(mv: ModelValues, values: ParamValues, v: LgTerm['matrix'], k: number): Float64Array | undefined {
  return v?.kind === 'param' ? mv.read(values, v, k) : undefined;
}

export function initializeFactor(m: FactorModel, rng: RandomStream): Record<string, Float64Array> {
  const { d, l, n, x } = m;
  const mv = m.values;
  const values = zeroValues(mv);
  const obs = m.program.observation;
  const global = moments(x, d, n, () => 1);
  // Cluster memberships: nearest k-means++ seed (one cluster without a mixture).
  const member = new Int32Array(n);
  if (m.k > 1) {
    const seeds = kmeansPlusPlus(x, n, d, m.k, rng);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDist = Number.POSITIVE_INFINITY;
      seeds.forEach((s, k) => {
        let dist = 0;
        for (let a = 0; a < d; a++) dist += (x[i * d + a]! - x[s * d + a]!) ** 2;
        if (dist < bestDist) {
          bestDist = dist;
          best = k;
        }
      });
      member[i] = best;
    }
  }
  const clusters = Array.from({ length: m.k }, (_, k) => {
    const c = moments(x, d, n, (i) => (member[i] === k ? 1 : 0));
    return c.total >= 2 ? c : { ...global, total: Math.max(c.total, 1) };
  });
  const weights = m.program.mixture ? paramSlot(mv, values, m.program.mixture.weights, 0) : undefined;
  if (weights)
    for (let k = 0; k < m.k; k++) weights[k] = clusters[k]!.total / clusters.reduce((s, c) => s + c.total, 0);
  const perState = (v: LgTerm['matrix']) => v?.kind === 'param' && v.selected;
  for (let k = 0; k < m.k; k++) {
    const c = perState(obs.matrix) ? clusters[k]! : global;
    const { w, sigma2 } = leadingLoadings(c.cov, d, l, rng);
    const W = paramSlot(mv, values, obs.matrix, k);
    if (W && (k === 0 || perState(obs.matrix))) W.set(w);
    const mu = paramSlot(mv, values, obs.offset, k);
    if (mu && (k === 0 || perState(obs.offset))) mu.set(perState(obs.offset) ? clusters[k]!.mean : global.mean);
    const noise = paramSlot(mv, values, obs.noise.value, k);
    if (noise && (k === 0 || perState(obs.noise.value))) writeNoise(obs.noise, c.cov, w, d, l, sigma2, noise);
  }
  return values;
}

export function initializeChain(m: ChainModel, rng: RandomStream): Record<string, Float64Array> {
  const { d, l, x } = m;
  const mv = m.values;
  const values = zeroValues(mv);
  const steps = x.length / d;
  const all = moments(x, d, steps, () => 1);
  const { w, sigma2 } = leadingLoadings(all.cov, d, l, rng);
  const { initial, transition, emission } = m.program;
  paramSlot(mv, values, emission.matrix, 0)?.set(w);
  paramSlot(mv, values, emission.offset, 0)?.set(all.mean);
  const r = paramSlot(mv, values, emission.noise.value, 0);
  if (r) writeNoise(emission.noise, all.cov, w, d, l, sigma2, r);
  const a = paramSlot(mv, values, transition.matrix, 0);
  if (a)
    for (let i = 0; i < l; i++)
      for (let j = 0; j < l; j++) a[i * l + j] = (i === j ? 0.9 : 0) + 0.05 * sampleStdNormal(rng);
  const unit = (noise: LgNoise, variance: number) => {
    const out = paramSlot(mv, values, noise.value, 0);
    if (!out) return;
    if (noise.form === 'full') for (let i = 0; i < l; i++) out[i * l + i] = variance;
    else out.fill(Math.sqrt(variance));
  };
  unit(transition.noise, 0.19);
  unit(initial.noise, 1);
  return values;
}
