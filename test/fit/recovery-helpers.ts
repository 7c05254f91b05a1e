/**
 * Shared by the parameter-recovery tests: draw N items from known params with the runtime's
 * sampler, fit from a few restarts, match the fitted components to the true ones, and give
 * every parameter a standard error from the observed information.
 *
 * Standard errors: the observed information is minus the Hessian of the observed-data
 * log-likelihood ℓ(θ) = Σ_n log Σ_z p(z, x_n | θ) at the estimate θ̂, which is exactly the
 * objective the runtime's E-step computes (`eStepMixture`, no prior here). The Hessian is
 * taken by central differences over the free coordinates of θ — a K-simplex moves along
 * e_k − e_K (K − 1 coordinates), a covariance along e_ij + e_ji (D(D+1)/2), every other
 * entry on its own — and the asymptotic covariance of θ̂ is C = (−H)⁻¹ (Louis 1982; the
 * MLE is asymptotically normal with that covariance). Each reported entry θ_e is a linear
 * function g_eᵀ c of the free coordinates, so SE(θ_e) = √(g_eᵀ C g_e); for the last weight
 * g = (−1, …, −1). A test then asserts |θ̂_e − θ_e| ≤ 4.5 SE(θ_e): for ~30 entries per model
 * a 4.5σ excursion has probability below 2·10⁻⁴ per run, and the draws are seeded anyway.
 */

import { lowerDataSchema, lowerFitProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type DataSchema,
  eStepMixture,
  type FitProgram,
  type FitResult,
  fitProgram,
  flattenValue,
  inputSchema,
  inputSizes,
  type ParamValue,
  prepareMixture,
  sampleProgram,
} from '@emforge/runtime';
import { expect } from 'vitest';

type Params = Record<string, ParamValue>;

export function lower(modelText: string): { program: FitProgram; schema: DataSchema } {
  const outcome = planSource(new SourceFile('model.em', modelText));
  const lowered = lowerFitProgram(outcome);
  if (!lowered.value || !outcome.checked) throw new Error('model does not lower');
  return { program: lowered.value, schema: lowerDataSchema(outcome.checked) };
}

/** Draws a data set and binds it (the round trip the CLI does through a file). */
export function simulate(
  modelText: string,
  truth: Params,
  n: number,
  seed: number,
  inputs: Record<string, unknown> = {},
) {
  const { program, schema } = lower(modelText);
  const needed = inputSchema(program, schema);
  const boundInputs = bindData(needed, inputs, inputSizes(needed, { N: n }));
  if (!boundInputs.value) throw new Error(JSON.stringify(boundInputs.problems));
  const sample = sampleProgram(program, schema, truth, { seed, sizes: { N: n }, inputs: boundInputs.value });
  const raw = JSON.parse(JSON.stringify(sample.data));
  const bound = bindData(schema, raw, { N: n });
  if (!bound.value) throw new Error(JSON.stringify(bound.problems));
  return { program, data: bound.value, sample };
}

/** Component k of a per-component param: the k-th entry of a simplex[K] or the k-th row. */
function component(value: ParamValue, k: number): number[] {
  return flattenValue((value as ParamValue[])[k]!);
}

function permutations(k: number): number[][] {
  if (k === 1) return [[0]];
  return permutations(k - 1).flatMap((p) =>
    Array.from({ length: k }, (_, i) => [...p.slice(0, i), k - 1, ...p.slice(i)]),
  );
}

/**
 * The estimate relabelled to the truth: the permutation of the K components minimising the
 * summed squared differences over `componentParams` (each indexed by the component first).
 */
export function matchLabels(est: Params, truth: Params, componentParams: readonly string[], k: number): Params {
  let best: number[] = [];
  let bestCost = Number.POSITIVE_INFINITY;
  for (const perm of permutations(k)) {
    let cost = 0;
    for (const name of componentParams) {
      for (let j = 0; j < k; j++) {
        const a = component(est[name]!, perm[j]!);
        const b = component(truth[name]!, j);
        a.forEach((v, i) => {
          cost += (v - b[i]!) ** 2;
        });
      }
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = perm;
    }
  }
  const out: Params = { ...est };
  for (const name of componentParams) out[name] = best.map((p) => (est[name] as ParamValue[])[p]!);
  return out;
}

/** A free coordinate: a direction in the flat param space. */
interface Direction {
  readonly name: string;
  readonly entries: readonly (readonly [number, number])[];
}

function directions(mix: ReturnType<typeof prepareMixture>): Direction[] {
  const out: Direction[] = [];
  for (const p of mix.params) {
    const size = p.elementSize;
    for (let e = 0; e < p.elements; e++) {
      const at = e * size;
      if (p.spec.element === 'simplex') {
        for (let j = 0; j < size - 1; j++)
          out.push({
            name: p.spec.name,
            entries: [
              [at + j, 1],
              [at + size - 1, -1],
            ],
          });
      } else if (p.spec.element === 'cov') {
        const d = Math.round(Math.sqrt(size));
        for (let i = 0; i < d; i++)
          for (let j = 0; j <= i; j++) {
            const a = at + i * d + j;
            const b = at + j * d + i;
            out.push({
              name: p.spec.name,
              entries:
                a === b
                  ? [[a, 1]]
                  : [
                      [a, 1],
                      [b, 1],
                    ],
            });
          }
      } else {
        for (let j = 0; j < size; j++) out.push({ name: p.spec.name, entries: [[at + j, 1]] });
      }
    }
  }
  return out;
}

/** The inverse of a small symmetric positive definite matrix (Gauss–Jordan with pivoting). */
export function invert(a: number[][]): number[][] {
  const m = a.length;
  const w = a.map((row, i) => [...row, ...Array.from({ length: m }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(w[r]![c]!) > Math.abs(w[pivot]![c]!)) pivot = r;
    [w[c], w[pivot]] = [w[pivot]!, w[c]!];
    const d = w[c]![c]!;
    for (let j = 0; j < 2 * m; j++) w[c]![j]! /= d;
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const factor = w[r]![c]!;
      for (let j = 0; j < 2 * m; j++) w[r]![j]! -= factor * w[c]![j]!;
    }
  }
  return w.map((row) => row.slice(m));
}

/** A step of `f`'s coordinates: coordinate `c` moved by `s`. */
export type Steps = readonly (readonly [number, number])[];

/**
 * The inverse of the numerical observed information at the origin of `m` coordinates: minus the
 * Hessian of `f` by central second differences of step `h` (four-point formula off the diagonal).
 * `f(steps)` is the observed-data objective with each listed coordinate moved by its step.
 */
export function observedCovariance(f: (steps: Steps) => number, m: number, h: number): number[][] {
  const f0 = f([]);
  const info = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let a = 0; a < m; a++) {
    info[a]![a] = -(f([[a, h]]) - 2 * f0 + f([[a, -h]])) / (h * h);
    for (let b = 0; b < a; b++) {
      const pp = f([
        [a, h],
        [b, h],
      ]);
      const pm = f([
        [a, h],
        [b, -h],
      ]);
      const mp = f([
        [a, -h],
        [b, h],
      ]);
      const mm = f([
        [a, -h],
        [b, -h],
      ]);
      const v = (pp - pm - mp + mm) / (4 * h * h);
      info[a]![b] = -v;
      info[b]![a] = -v;
    }
  }
  return invert(info);
}

/**
 * Standard errors of every flat entry of every param at `est` from the numerical observed
 * information (see the file comment). Simplex params must be unindexed (one simplex).
 */
export function standardErrors(
  program: FitProgram,
  data: Parameters<typeof prepareMixture>[1],
  est: Params,
  h = 1e-4,
): Record<string, number[]> {
  const mix = prepareMixture(program, data);
  const flat: Record<string, Float64Array> = {};
  for (const p of program.params) flat[p.name] = Float64Array.from(flattenValue(est[p.name]!));
  const dirs = directions(mix);
  const m = dirs.length;
  const f = (steps: readonly (readonly [number, number])[]) => {
    const v: Record<string, Float64Array> = {};
    for (const [name, x] of Object.entries(flat)) v[name] = x.slice();
    for (const [c, s] of steps) {
      const dir = dirs[c]!;
      for (const [e, coef] of dir.entries) v[dir.name]![e]! += coef * s;
    }
    return eStepMixture(mix, v).objective;
  };
  const cov = observedCovariance(f, m, h);
  const out: Record<string, number[]> = {};
  for (const p of program.params) {
    out[p.name] = Array.from(flat[p.name]!, (_, e) => {
      const g = dirs.map((d) => (d.name === p.name ? (d.entries.find(([i]) => i === e)?.[1] ?? 0) : 0));
      let v = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) v += g[a]! * cov[a]![b]! * g[b]!;
      return Math.sqrt(v);
    });
  }
  return out;
}

/** Fit from `restarts` runs, then the largest |estimate − truth| / SE over every entry. */
export function recover(
  modelText: string,
  truth: Params,
  options: {
    n: number;
    seed: number;
    k: number;
    componentParams: string[];
    inputs?: Record<string, unknown>;
    restarts?: number;
  },
): { fit: FitResult; ratios: Record<string, number[]>; worst: number } {
  const { program, data } = simulate(modelText, truth, options.n, options.seed, options.inputs);
  const fit = fitProgram(program, data, { seed: options.seed, restarts: options.restarts ?? 3, tol: 1e-8 });
  const est = matchLabels(fit.params as Params, truth, options.componentParams, options.k);
  const se = standardErrors(program, data, est);
  const ratios: Record<string, number[]> = {};
  let worst = 0;
  for (const p of program.params) {
    const e = flattenValue(est[p.name]!);
    const t = flattenValue(truth[p.name]!);
    ratios[p.name] = e.map((v, i) => Math.abs(v - t[i]!) / se[p.name]![i]!);
    worst = Math.max(worst, ...ratios[p.name]!);
  }
  return { fit, ratios, worst };
}

/** The bound every recovered entry must meet: |estimate − truth| ≤ 4.5 SE. */
export const RECOVERY_LIMIT = 4.5;

/** Asserts that every entry of every param of a recovery lies within the limit, and the fit gave no warning. */
export function expectRecovered(name: string, result: ReturnType<typeof recover>): void {
  for (const [param, ratios] of Object.entries(result.ratios)) {
    ratios.forEach((r, i) => {
      expect(r, `${name}: ${param}[${i}] is ${r.toFixed(2)} SE from the truth`).toBeLessThanOrEqual(RECOVERY_LIMIT);
    });
  }
  expect(result.fit.warnings).toEqual([]);
}
