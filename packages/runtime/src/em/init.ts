/**
 * Initialisation of the mixture executor: k-means++ seeding on the data of the first Gaussian
 * factor whose mean a single latent selects (every item assigned to its nearest seed, then an
 * M-step: cluster weights, means and covariances), else random responsibilities (Dirichlet(1)
 * per item) followed by an M-step; `random-points` seeds with distinct random items instead of
 * k-means++; user-given values override what they name.
 */
import { sampleDirichlet } from '../random/continuous.js';
import type { RandomStream } from '../random/stream.js';
import type { EmStepContext } from './em-driver.js';
import { type Mixture, type ParamValues, stateOf } from './mixture.js';
import { type MStepOptions, mStepMixture } from './mixture-m-step.js';

export type InitMethod = 'kmeans++' | 'random' | 'random-points';

/** Distinct random items as seeds (Forgy), drawn with the run's stream. */
export function randomPoints(_x: Float64Array, n: number, _d: number, k: number, rng: RandomStream): number[] {
  const seeds: number[] = [];
  while (seeds.length < Math.min(k, n)) {
    const i = rng.uniformInt(n);
    if (!seeds.includes(i)) seeds.push(i);
  }
  return seeds;
}

/** How each seeding method picks its seed items; `random` has none (random responsibilities). */
const seeders: Readonly<Record<InitMethod, typeof kmeansPlusPlus | undefined>> = {
  'kmeans++': (...args) => kmeansPlusPlus(...args),
  'random-points': randomPoints,
  random: undefined,
};

/** The data and the latent for k-means++: a Gaussian observation whose mean one latent selects. */
function kmeansTarget(mix: Mixture): { rows: Float64Array; d: number; latent: number } | undefined {
  for (const f of mix.factors) {
    if (f.spec.family !== 'MvNormal' && f.spec.family !== 'Normal') continue;
    const child = f.spec.child;
    const mean = f.spec.args[0]?.source;
    if (child.kind !== 'data' || !child.atItem || mean?.kind !== 'param' || mean.selectors.length !== 1) continue;
    const latent = mix.latents.findIndex((l) => l.name === mean.selectors[0]);
    const view = f.child[0]!;
    return { rows: view.values, d: view.size, latent };
  }
  return undefined;
}

function squaredDistance(x: Float64Array, i: number, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += (x[i * d + k]! - x[j * d + k]!) ** 2;
  return s;
}

/**
 * k-means++ (Arthur & Vassilvitskii 2007): the first seed uniformly, each next one with
 * probability proportional to its squared distance to the nearest seed so far.
 * @param x shape [n, d]
 * @returns the seed items, k of them
 */
export function kmeansPlusPlus(x: Float64Array, n: number, d: number, k: number, rng: RandomStream): number[] {
  const seeds = [rng.uniformInt(n)];
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  while (seeds.length < k) {
    const last = seeds[seeds.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, squaredDistance(x, i, last, d));
      total += nearest[i]!;
    }
    let u = rng.uniform() * total;
    let pick = total > 0 ? -1 : rng.uniformInt(n);
    for (let i = 0; i < n && pick < 0; i++) {
      u -= nearest[i]!;
      if (u < 0) pick = i;
    }
    seeds.push(pick < 0 ? n - 1 : pick);
  }
  return seeds;
}

/** Hard responsibilities: each item to its nearest seed on `latent`, uniform over the other latents. */
function assignToSeeds(mix: Mixture, x: Float64Array, d: number, latent: number, seeds: readonly number[]): void {
  const { n, S, resp } = mix;
  const l = mix.latents[latent]!;
  const share = l.states / S;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    seeds.forEach((seed, k) => {
      const dist = squaredDistance(x, i, seed, d);
      if (dist < bestDistance) {
        bestDistance = dist;
        best = k;
      }
    });
    for (let s = 0; s < S; s++) resp[i * S + s] = stateOf(l, s) === best ? share : 0;
  }
}

function randomResponsibilities(mix: Mixture, rng: RandomStream): void {
  const row = new Float64Array(mix.S);
  for (let i = 0; i < mix.n; i++) {
    sampleDirichlet(rng, 1, row);
    mix.resp.set(row, i * mix.S);
  }
}

export interface InitOptions extends MStepOptions {
  readonly method?: InitMethod;
  /** Initial values by param name, flat row-major in the declared shape; override the method's. */
  readonly values?: ParamValues;
}

/** Families with finite support, where few distinct values per component are ordinary. */
const finiteSupport = new Set(['Bernoulli', 'Binomial', 'Categorical', 'Multinomial']);

/** A constant column of vector rows (shape [n, d]) carries no information and has zero variance: a warning. */
function constantColumns(mix: Mixture, name: string, x: Float64Array, d: number, ctx: EmStepContext): void {
  if (d < 2 || mix.n < 2) return;
  for (let j = 0; j < d; j++) {
    let i = 1;
    while (i < mix.n && x[i * d + j] === x[j]) i++;
    if (i < mix.n) continue;
    ctx.warn(
      `column ${j} of the data '${name}' is constant (${x[j]}): it has zero variance in every component, so only ` +
        'regCovar keeps a per-coordinate or full covariance positive definite; drop the column, or raise regCovar',
    );
  }
}

/**
 * Degenerate data: constant columns; a per-item observation with at most as many distinct rows as the components
 * of the latent that selects its params (duplicate points, K ≥ the distinct points, one point per
 * component) leaves components empty, identical or collapsed onto single points. A warning.
 */
function warnFewDistinct(mix: Mixture, ctx: EmStepContext): void {
  for (const f of mix.factors) {
    const child = f.spec.child;
    if (child.kind !== 'data' || !child.atItem || finiteSupport.has(f.spec.family)) continue;
    const selector = f.spec.args.find((a) => a.source.kind === 'param' && a.source.selectors.length === 1)?.source;
    if (selector?.kind !== 'param') continue;
    const latent = mix.program.latents.find((l) => l.name === selector.selectors[0]);
    const k = mix.latents.find((l) => l.name === selector.selectors[0])?.states ?? 1;
    if (!latent || k < 2) continue;
    const view = f.child[0]!;
    const distinct = new Set<string>();
    for (let i = 0; i < mix.n && distinct.size <= k; i++) {
      distinct.add(
        view.values.subarray(i * view.step + view.offset, i * view.step + view.offset + view.size).join(','),
      );
    }
    constantColumns(mix, child.name, view.values, view.size, ctx);
    if (distinct.size > k) continue;
    const size = typeof latent.states === 'string' ? latent.states : 'the number of components';
    ctx.warn(
      `the data '${child.name}' have only ${distinct.size} distinct ${distinct.size === 1 ? 'value' : 'values'} for ${k} components ` +
        `(${size === 'the number of components' ? '' : `${size} = ${k}; `}at most one per component): components will be empty, identical ` +
        `or collapsed onto single points; lower ${size}`,
    );
  }
}

/** Initial parameter values for one restart. */
export function initializeMixture(mix: Mixture, ctx: EmStepContext, options: InitOptions): ParamValues {
  warnFewDistinct(mix, ctx);
  const given = options.values ?? {};
  const complete = mix.params.every((p) => given[p.spec.name] !== undefined);
  if (!complete) {
    const seeder = seeders[options.method ?? 'kmeans++'];
    const target = seeder ? kmeansTarget(mix) : undefined;
    if (seeder && target && target.latent >= 0 && mix.n >= mix.latents[target.latent]!.states) {
      const seeds = seeder(target.rows, mix.n, target.d, mix.latents[target.latent]!.states, ctx.rng);
      assignToSeeds(mix, target.rows, target.d, target.latent, seeds);
    } else {
      randomResponsibilities(mix, ctx.rng);
    }
    // Params no state selects (or a single-state model) still need a first value: the M-step gives it.
    mStepMixture(mix, ctx, options);
  }
  const out: Record<string, Float64Array> = {};
  for (const p of mix.params) {
    const v = given[p.spec.name];
    if (v !== undefined && v.length !== p.values.length) {
      throw new Error(`initial value of '${p.spec.name}' has ${v.length} entries, expected ${p.values.length}`);
    }
    out[p.spec.name] = v ? Float64Array.from(v) : p.values.slice();
  }
  return out;
}
