/**
 * Initialisation of the chain executor, one restart at a time from its stream. The per-step
 * params come from the mixture M-step on responsibilities over the pooled steps (the chain
 * ignored): with many distinct observed values (continuous emissions), k-means++ (or random
 * points) seeds k-means with one cluster per chain state (then, inside each, one per state of
 * the other per-step latents), and every step goes to its cluster's state;
 * with few distinct values (categorical, counts, 0/1), or `random`, every distinct observed
 * value draws its own Dirichlet(1) responsibilities — steps with equal observations share them,
 * so the emission estimates differ between states by O(1) rather than by O(1/√n), as
 * independent per-step draws would give. `init` starts near uniform (∝ 1 + 0.5·u, u uniform);
 * `trans` near a sticky matrix, the diagonal 3K times the rest before the same jitter (a
 * self-transition ≈ 0.8): states of an HMM usually persist, and from a uniform matrix the first
 * E-step sees no temporal structure at all — on the dishonest casino all of 3 seeds then ended
 * in a short-lived-state optimum (−3281.93 against −3281.05). User-given values override what
 * they name.
 */
import type { EmStepContext } from '../em/em-driver.js';
import { type InitMethod, kmeansPlusPlus, randomPoints } from '../em/init.js';
import { loadParams, type ParamValues } from '../em/mixture.js';
import { mStepMixture } from '../em/mixture-m-step.js';
import { sampleDirichlet } from '../random/continuous.js';
import type { RandomStream } from '../random/stream.js';
import type { Chain } from './chain.js';
import { stepFixed } from './chain-m-step.js';

/** More distinct observed rows than this (in the first observation) and k-means++ seeds the states. */
const FEW_DISTINCT = 64;

/** Relative jitter of the initial `init` and `trans` rows. */
const JITTER = 0.5;

/** The initial diagonal of `trans` is STICKY·K times its other entries (before the jitter). */
const STICKY = 3;

export interface ChainInitOptions {
  readonly method?: InitMethod;
  readonly regCovar: number;
  readonly fixed: ReadonlySet<string>;
  /** Initial values by param name, flat row-major; override the method's. */
  readonly values: ParamValues;
}

/** Rows of one step's observation: `view.size` entries at step i. */
function rowKey(values: Float64Array, offset: number, size: number): string {
  let key = '';
  for (let j = 0; j < size; j++) key += `${values[offset + j]},`;
  return key;
}

/** The first observation's rows at the observed steps, shape [m, d], if it has many distinct values. */
function seedRows(chain: Chain): { rows: Float64Array; steps: Int32Array; d: number } | undefined {
  const { mix, missing } = chain;
  const f = mix.factors.find((x) => x.spec.child.kind === 'data');
  if (!f) return undefined;
  const view = f.child[0]!;
  const d = view.size;
  const steps = new Int32Array(chain.observed);
  const rows = new Float64Array(chain.observed * d);
  const distinct = new Set<string>();
  let m = 0;
  for (let i = 0; i < mix.n; i++) {
    if (missing[i] === 1) continue;
    const at = view.offset + i * view.step;
    if (distinct.size <= FEW_DISTINCT) distinct.add(rowKey(view.values, at, d));
    rows.set(view.values.subarray(at, at + d), m * d);
    steps[m++] = i;
  }
  return distinct.size > FEW_DISTINCT ? { rows, steps, d } : undefined;
}

/** Lloyd iterations after the seeding (k-means proper): a start near the clusters spares EM a slow crawl. */
const LLOYD_ITERATIONS = 20;

type Seeder = typeof kmeansPlusPlus;

/**
 * k-means: `k` seeds by `seeder`, then Lloyd iterations (every row to its nearest centre, each
 * centre to its rows' mean; an empty cluster keeps its centre) until no label changes.
 * @param rows shape [m, d]
 * @returns the cluster of each row, shape [m]
 */
function kMeans(rows: Float64Array, m: number, d: number, k: number, seeder: Seeder, rng: RandomStream): Int32Array {
  const label = new Int32Array(m);
  if (m < k) {
    for (let i = 0; i < m; i++) label[i] = i;
    return label;
  }
  const centres = new Float64Array(k * d);
  const seeds = seeder(rows, m, d, k, rng);
  for (let c = 0; c < k; c++) centres.set(rows.subarray(seeds[c]! * d, (seeds[c]! + 1) * d), c * d);
  label.fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let iteration = 0; iteration < LLOYD_ITERATIONS; iteration++) {
    let changed = false;
    for (let i = 0; i < m; i++) {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let dist = 0;
        for (let j = 0; j < d; j++) dist += (rows[i * d + j]! - centres[c * d + j]!) ** 2;
        if (dist < bestDistance) {
          bestDistance = dist;
          best = c;
        }
      }
      if (label[i] !== best) changed = true;
      label[i] = best;
    }
    if (!changed) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < m; i++) {
      const c = label[i]!;
      counts[c]! += 1;
      for (let j = 0; j < d; j++) sums[c * d + j]! += rows[i * d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j]! / counts[c]!;
    }
  }
  return label;
}

/**
 * Hard responsibilities by k-means: K clusters for the chain's states, then C clusters inside
 * each for the other per-step latents (a state's mixture components lie within the state's
 * cluster; K·C flat clusters would pair components into states at random).
 */
function assignByKMeans(
  chain: Chain,
  rows: Float64Array,
  steps: Int32Array,
  d: number,
  seeder: Seeder,
  rng: RandomStream,
): void {
  const { K, C } = chain;
  const m = steps.length;
  const state = kMeans(rows, m, d, K, seeder, rng);
  const joint = new Int32Array(m);
  for (let k = 0; k < K; k++) {
    let size = 0;
    for (let i = 0; i < m; i++) if (state[i] === k) size++;
    const members = new Int32Array(size);
    const sub = new Float64Array(size * d);
    size = 0;
    for (let i = 0; i < m; i++) {
      if (state[i] !== k) continue;
      sub.set(rows.subarray(i * d, (i + 1) * d), size * d);
      members[size++] = i;
    }
    const component = C > 1 ? kMeans(sub, size, d, C, seeder, rng) : new Int32Array(size);
    for (let r = 0; r < size; r++) joint[members[r]!] = k * C + (component[r]! % C);
  }
  const { resp, S } = chain.mix;
  resp.fill(0);
  for (let i = 0; i < m; i++) resp[steps[i]! * S + joint[i]!] = 1;
}

/** One Dirichlet(1) draw per distinct observed row (all observations of the step), shared by equal steps. */
function valueKeyedResponsibilities(chain: Chain, rng: RandomStream): void {
  const { mix, missing } = chain;
  const { resp, S } = mix;
  const observations = mix.factors.filter((f) => f.spec.child.kind === 'data').map((f) => f.child[0]!);
  const draws = new Map<string, Float64Array>();
  resp.fill(0);
  for (let i = 0; i < mix.n; i++) {
    if (missing[i] === 1) continue;
    let key = '';
    for (const v of observations) key += `${rowKey(v.values, v.offset + i * v.step, v.size)}|`;
    let draw = draws.get(key);
    if (!draw) {
      draw = new Float64Array(S);
      sampleDirichlet(rng, 1, draw);
      draws.set(key, draw);
    }
    resp.set(draw, i * S);
  }
}

/** Each of the `rows` rows of `values` ∝ (1 + JITTER·u), the diagonal entry times STICKY·size when `sticky`. */
function jittered(values: Float64Array, rows: number, rng: RandomStream, sticky: boolean): void {
  const size = values.length / rows;
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < size; j++) {
      const boost = sticky && j === r ? STICKY * size : 1;
      total += values[r * size + j] = boost * (1 + JITTER * rng.uniform());
    }
    for (let j = 0; j < size; j++) values[r * size + j]! /= total;
  }
}

/** Initial param values for one restart. */
export function initializeChain(chain: Chain, ctx: EmStepContext, options: ChainInitOptions): ParamValues {
  const { mix } = chain;
  const given = options.values;
  loadParams(mix, given);
  if (!mix.params.every((p) => given[p.spec.name] !== undefined)) {
    const method = options.method ?? 'kmeans++';
    const seeded = method === 'random' ? undefined : seedRows(chain);
    if (seeded && seeded.steps.length >= mix.S) {
      const seeder = method === 'random-points' ? randomPoints : kmeansPlusPlus;
      assignByKMeans(chain, seeded.rows, seeded.steps, seeded.d, seeder, ctx.rng);
    } else {
      valueKeyedResponsibilities(chain, ctx.rng);
    }
    mStepMixture(mix, ctx, { regCovar: options.regCovar, fixed: stepFixed(chain, options.fixed) });
    jittered(chain.init.values, 1, ctx.rng, false);
    jittered(chain.trans.values, chain.K, ctx.rng, true);
  }
  const out: Record<string, Float64Array> = {};
  for (const p of mix.params) {
    const v = given[p.spec.name];
    out[p.spec.name] = v ? Float64Array.from(v) : p.values.slice();
  }
  return out;
}
