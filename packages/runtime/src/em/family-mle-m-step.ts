/**
 * The "family MLE" M-step: a factor whose arguments are all params (each tied, or all selected by
 * the same latents — `y[n] ~ Gamma(shape[z[n]], rate[z[n]])`), with no prior and used nowhere
 * else, has its params updated jointly by the family's exact weighted MLE
 * (`numerics.exponentialFamily.weightedMle`: Gamma's shape by Minka's Newton iteration, Beta by
 * Newton, Dirichlet by Minka's fixed point, LogNormal on the logs), one fit per latent cell with
 * the responsibilities marginalised onto the selecting latents as weights (or one fit with all
 * weights when every argument is tied). That is the exact maximiser of Q for those params, so
 * EM stays exact and monotone. The lowering marks such params with the rule
 * `family-mle:<Family>`; `familyMleUpdates` is the dispatch table, keyed by that rule.
 */

import type { ExponentialFamilyNumerics, NumericValue } from '../distributions/numerics.js';
import { distributions } from '../distributions/registry.js';
import type { EmStepContext } from './em-driver.js';
import { elementOf, FitSetupError, type Mixture, type MixtureFactor, type MixtureParam } from './mixture.js';

/** The rule id of the joint weighted MLE of `family`'s arguments. */
export function familyMleRule(family: string): string {
  return `family-mle:${family}`;
}

/** One latent cell's fit: the weighted MLE of every argument, positional. */
export type FamilyMleFit = (
  values: Float64Array,
  weights: Float64Array,
  dim: number,
  current: readonly NumericValue[],
) => NumericValue[];

export interface FamilyMleUpdate {
  /** `vector`: one value is the whole child (Dirichlet); `scalar`: elementwise over a vector child. */
  readonly event: 'scalar' | 'vector';
  readonly fit: FamilyMleFit;
}

function updateOf(ef: ExponentialFamilyNumerics, elementwise: boolean): FamilyMleUpdate {
  return {
    event: elementwise ? 'scalar' : 'vector',
    fit: (values, weights, dim, current) => ef.weightedMle(values, weights, dim, { current }),
  };
}

/** The dispatch table: every family with a weighted MLE and no known (never estimated) argument. */
export const familyMleUpdates: ReadonlyMap<string, FamilyMleUpdate> = new Map(
  [...distributions.values()].flatMap((d) => {
    const ef = d.numerics.exponentialFamily;
    if (!ef || ef.known.length > 0) return [];
    return [[familyMleRule(d.name), updateOf(ef, d.elementwise)] as const];
  }),
);

/** A total weight below this is an empty cell (as the closed-form M-step). */
const EMPTY = 1e-12;

/** The child's rows as one [n, d] array, built once per factor. */
const childCache = new WeakMap<MixtureFactor, Float64Array>();

function childValues(mix: Mixture, f: MixtureFactor): Float64Array {
  const cached = childCache.get(f);
  if (cached) return cached;
  const view = f.child[0]!;
  const d = view.size;
  const out = new Float64Array(mix.n * d);
  for (let i = 0; i < mix.n; i++) {
    const at = view.offset + i * view.step;
    for (let j = 0; j < d; j++) out[i * d + j] = view.values[at + j]!;
  }
  childCache.set(f, out);
  return out;
}

export interface FamilyMleHooks {
  /** True the first time `key` is seen in this run. */
  readonly firstTime: (key: string) => boolean;
  /** `component 1 of 'shape'` and the size to lower, for messages. */
  readonly describe: (p: MixtureParam, e: number) => { who: string; size: string };
}

/** The params (in argument order) of factor `fi`, each the argument of the same index. */
function slotParams(mix: Mixture, f: MixtureFactor): MixtureParam[] {
  return f.spec.args.map((a) => {
    const source = a.source;
    const p = source.kind === 'param' ? mix.params.find((q) => q.spec.name === source.name) : undefined;
    if (!p) throw new Error(`argument ${a.name} of ${f.spec.text} is not a param`);
    return p;
  });
}

/**
 * Updates every param of factor `fi` jointly (the caller has checked that none is fixed). Cells
 * with no weight are re-seeded once per run around a random item (half the weight on it, half
 * spread over all items: a one-point fit would be a spike for Gamma or Beta) with a warning.
 */
export function familyMleStep(mix: Mixture, fi: number, ctx: EmStepContext, hooks: FamilyMleHooks): void {
  const f = mix.factors[fi]!;
  const first = f.spec.args[0]?.source;
  const rule = mix.params.find((p) => p.spec.factor === fi)?.spec.rule ?? '';
  const update = familyMleUpdates.get(rule);
  if (!update || first?.kind !== 'param') throw new Error(`rule ${rule} is not executable by the mixture runtime`);
  const selectors = first.selectors;
  const slots = slotParams(mix, f);
  const { n, S, resp } = mix;
  // Cells: the states that share every argument element; their responsibilities are pooled.
  const cells = new Map<number, number[]>();
  for (let s = 0; s < S; s++) {
    const e = elementOf(mix.latents, selectors, s);
    const list = cells.get(e) ?? [];
    list.push(s);
    cells.set(e, list);
  }
  const x = childValues(mix, f);
  const d = f.child[0]!.size;
  for (const [e, states] of cells) {
    const w = new Float64Array(n);
    let total = 0;
    for (const s of states) for (let i = 0; i < n; i++) w[i]! += resp[i * S + s]!;
    for (let i = 0; i < n; i++) total += w[i]!;
    const views = slots.map((_, k) => f.args[states[0]!]![k]!);
    if (!(total >= EMPTY)) {
      const { who, size } = hooks.describe(slots[0]!, e);
      if (!hooks.firstTime(`empty:${f.spec.text}:${e}`)) continue;
      const item = ctx.rng.uniformInt(n);
      w.fill(1);
      w[item] = n;
      ctx.perturb(
        `iteration ${ctx.iteration}: ${who} is empty (no item has weight on it): re-seeded around item ${item}; lower ${size}, or use more restarts`,
      );
    }
    const results = fitCell(update, x, w, n, d, views, f);
    if (!results.every((r) => r.every(Number.isFinite))) {
      ctx.warn(
        `iteration ${ctx.iteration}: the weighted MLE of ${hooks.describe(slots[0]!, e).who} in '${f.spec.text}' is not finite; kept its previous value`,
      );
      continue;
    }
    views.forEach((v, k) => {
      v.values.set(results[k]!, v.offset);
    });
  }
}

/** The new values of every argument slot of one cell (each as long as its view). */
function fitCell(
  update: FamilyMleUpdate,
  x: Float64Array,
  w: Float64Array,
  n: number,
  d: number,
  views: readonly { values: Float64Array; offset: number; size: number }[],
  f: MixtureFactor,
): number[][] {
  const current = (j: number | undefined): NumericValue[] =>
    views.map((v) => (j === undefined ? v.values.slice(v.offset, v.offset + v.size) : v.values[v.offset + j]!));
  const asArray = (r: NumericValue | undefined): number[] =>
    r === undefined ? [Number.NaN] : typeof r === 'number' ? [r] : Array.from(r);
  if (update.event === 'vector') {
    if (views.some((v) => v.size !== d))
      throw new FitSetupError(`every argument of '${f.spec.text}' must have one entry per coordinate (${d})`);
    return update.fit(x, w, d, current(undefined)).map(asArray);
  }
  if (d === 1 || views.every((v) => v.size === 1)) {
    // A scalar child, or one scalar per argument shared by every coordinate: pool the coordinates.
    const ww = d === 1 ? w : Float64Array.from({ length: n * d }, (_, m) => w[Math.floor(m / d)]!);
    return update.fit(x, ww, 1, current(0)).map(asArray);
  }
  if (views.some((v) => v.size !== d))
    throw new FitSetupError(
      `the arguments of '${f.spec.text}' mix per-coordinate and shared values; give each one entry per coordinate, or one for all`,
    );
  const out = views.map(() => new Array<number>(d).fill(Number.NaN));
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = x[i * d + j]!;
    const r = update.fit(column, w, 1, current(j));
    r.forEach((v, k) => {
      if (out[k]) out[k]![j] = asArray(v)[0]!;
    });
  }
  return out;
}
