/**
 * Read-only views of bound data and posteriors for the plots: the rows of an item variable,
 * the first sequence of a chain, the most probable state of each item, and the state of one
 * latent within a joint state name (`a=0,b=1`).
 */
import type { BoundVariable, ParamValue, Posteriors } from '@emforge/runtime';

/** The rows of `x[N]: real[D]` (one array per item), or undefined when the variable is not of that form. */
export function vectorRows(v: BoundVariable): number[][] | undefined {
  if (v.offsets || v.schema.dims.length !== 1 || v.schema.shape.length !== 1) return undefined;
  const n = v.shape[0]!;
  const d = v.itemSize;
  return Array.from({ length: n }, (_, i) => Array.from(v.values.subarray(i * d, (i + 1) * d)));
}

/** The values of a scalar item variable `x[N]`, or undefined. */
export function scalarValues(v: BoundVariable): Float64Array | undefined {
  if (v.offsets || v.schema.dims.length !== 1 || v.schema.shape.length !== 0) return undefined;
  return v.values;
}

/** The index range [start, end) of the items of the first sequence of a sequence variable. */
export function firstSequence(v: BoundVariable): { start: number; end: number } | undefined {
  if (v.offsets) return { start: 0, end: v.offsets[1]! };
  if (v.schema.dims.length === 2) return { start: 0, end: v.shape[1]! };
  if (v.schema.dims.length === 1) return { start: 0, end: v.shape[0]! };
  return undefined;
}

/** The state of `latent` in a joint state name such as `z=1` or `a=0,b=1` (undefined if absent). */
export function stateOfLatent(stateName: string, latent: string): number | undefined {
  for (const part of stateName.split(',')) {
    const [name, value] = part.split('=');
    if (name === latent && value !== undefined) return Number(value);
  }
  return undefined;
}

/** Per joint state, the state of `latent` in it (the identity for a single latent). */
export function latentStateMap(posteriors: Posteriors, latent: string): number[] | undefined {
  const map = posteriors.states.map((s) => stateOfLatent(s, latent));
  return map.every((x) => x !== undefined) ? (map as number[]) : undefined;
}

/** The number of states of `latent` seen in the joint states. */
export function latentStateCount(posteriors: Posteriors, latent: string): number {
  const map = latentStateMap(posteriors, latent);
  return map ? Math.max(...map) + 1 : 0;
}

/** P(latent = k | data) of one item, from its joint responsibilities. */
export function marginalOf(resp: readonly number[], map: readonly number[], states: number): number[] {
  const out = new Array<number>(states).fill(0);
  for (let s = 0; s < resp.length; s++) out[map[s]!]! += resp[s]!;
  return out;
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The nested shape of a param value ([] for a number). */
export function shapeOf(value: ParamValue): number[] {
  const shape: number[] = [];
  let v: ParamValue = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0]!;
  }
  return shape;
}

/** A param value as a matrix of numbers, if it is one. */
export function asMatrix(value: ParamValue | undefined): number[][] | undefined {
  if (value === undefined || shapeOf(value).length !== 2) return undefined;
  return value as number[][];
}

/** Every `step`-th index below n so that at most `max` remain (all of them when n ≤ max). */
export function thinIndices(n: number, max: number): number[] {
  const step = Math.max(1, Math.ceil(n / max));
  return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
}
