/**
 * Initialisation of the mixture executor: k-means++ seeding on the data of the first Gaussian
 * factor whose mean a single latent selects (every item assigned to its nearest seed, then an
 * M-step: cluster weights, means and covariances), else random responsibilities (Dirichlet(1)
 * per item) followed by an M-step; user-given values override what they name.
 */
import { sampleDirichlet } from '../random/continuous.js';
import type { RandomStream } from '../random/stream.js';
import type { EmStepContext } from './em-driver.js';
import { type Mixture, type ParamValues, stateOf } from './mixture.js';
import { type MStepOptions, mStepMixture } from './mixture-m-step.js';

export type InitMethod = 'kmeans++' | 'random';

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

/** Initial parameter values for one restart. */
export function initializeMixture(mix: Mixture, ctx: EmStepContext, options: InitOptions): ParamValues {
  const given = options.values ?? {};
  const complete = mix.params.every((p) => given[p.spec.name] !== undefined);
  if (!complete) {
    const target = options.method === 'random' ? undefined : kmeansTarget(mix);
    if (target && target.latent >= 0 && mix.n >= mix.latents[target.latent]!.states) {
      const seeds = kmeansPlusPlus(target.rows, mix.n, target.d, mix.latents[target.latent]!.states, ctx.rng);
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
