/**
 * Reading and writing the quantities of a linear-Gaussian program at bound sizes: a param's
 * flat storage (one element per state of the selector when `selected`) or a constant evaluated
 * once; checks that each has the length its role needs; builds a statement's [B b] matrix
 * from its values and writes the free parts of an updated one back.
 */
import type { BoundData } from '../data/bind-data.js';
import type { DeclaredParam } from '../em/fit-program.js';
import { constantValues, FitSetupError, type ParamValues, resolveDim } from '../em/mixture.js';
import type { LgTerm, LgValue } from './program.js';

/** A declared param at bound sizes. */
export interface ResolvedParam {
  readonly spec: DeclaredParam;
  readonly dims: readonly number[];
  readonly shape: readonly number[];
  /** Entries of one element (the product of the shape). */
  readonly elementLength: number;
  /** All entries. */
  readonly length: number;
}

export class ModelValues {
  readonly params = new Map<string, ResolvedParam>();
  private readonly constants = new Map<LgValue, Float64Array>();

  constructor(
    params: readonly DeclaredParam[],
    readonly data: BoundData,
    /** The number of states of the selector (1 without a mixture). */
    readonly states: number,
  ) {
    for (const spec of params) {
      const dims = spec.dims.map((d) => resolveDim(d, data.sizes));
      const shape = spec.shape.map((d) => resolveDim(d, data.sizes));
      const elementLength = shape.reduce((a, b) => a * b, 1);
      this.params.set(spec.name, {
        spec,
        dims,
        shape,
        elementLength,
        length: elementLength * dims.reduce((a, b) => a * b, 1),
      });
    }
  }

  /** Checks that `v` has one element of `length` entries (per state when selected); a scalar may broadcast when `scalarOk`. */
  expect(v: LgValue, length: number, what: string, scalarOk = false): void {
    if (v.kind === 'constant') {
      const c = constantValues(v.value, this.data.sizes, this.data.variables);
      if (c.length !== length && !(scalarOk && c.length === 1))
        throw new FitSetupError(`${what} has ${c.length} values, expected ${length}`);
      this.constants.set(v, c);
      return;
    }
    const p = this.params.get(v.name);
    if (!p) throw new FitSetupError(`${what}: '${v.name}' is not a param`);
    const elements = v.selected ? this.states : 1;
    if (p.elementLength !== length || p.length !== elements * length)
      throw new FitSetupError(
        `param '${v.name}' has ${p.length} values, expected ${elements > 1 ? `${elements} × ` : ''}${length} (${what})`,
      );
  }

  /** The value of `v` for state k (a view into `values` for a param). */
  read(values: ParamValues, v: LgValue, k = 0): Float64Array {
    if (v.kind === 'constant') {
      const c = this.constants.get(v);
      if (!c) throw new Error(`constant of ${JSON.stringify(v.value)} was not prepared`);
      return c;
    }
    const all = values[v.name]!;
    if (!v.selected) return all;
    const n = this.params.get(v.name)!.elementLength;
    return all.subarray(k * n, (k + 1) * n);
  }
}

/** True when v is a param the M-step updates (not a constant, not held fixed). */
export function isFree(v: LgValue | undefined, fixed: ReadonlySet<string>): boolean {
  return v?.kind === 'param' && !fixed.has(v.name);
}

/**
 * The statement's [B b] at state k: B (d × q) is its matrix, the identity when absent (q = d),
 * b its offset or 0.
 * @returns shape [d, q + 1]
 */
export function termMatrix(
  mv: ModelValues,
  values: ParamValues,
  term: LgTerm,
  d: number,
  q: number,
  k = 0,
  out = new Float64Array(d * (q + 1)),
): Float64Array {
  const p = q + 1;
  out.fill(0);
  const B = term.matrix ? mv.read(values, term.matrix, k) : undefined;
  const b = term.offset ? mv.read(values, term.offset, k) : undefined;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < q; j++) out[i * p + j] = B ? B[i * q + j]! : i === j ? 1 : 0;
    out[i * p + q] = b ? (b.length === 1 ? b[0]! : b[i]!) : 0;
  }
  return out;
}

/** Which columns of [B b] the M-step may change: B's when its matrix is free, b's when its offset is. */
export function freeColumns(term: LgTerm, q: number, fixed: ReadonlySet<string>): boolean[] {
  const B = isFree(term.matrix, fixed);
  return [...Array.from({ length: q }, () => B), isFree(term.offset, fixed)];
}

/** Writes the free parts of an updated [B b] (shape [d, q + 1]) into `values` at state k. */
export function writeTermMatrix(
  mv: ModelValues,
  values: ParamValues,
  term: LgTerm,
  z: Float64Array,
  d: number,
  q: number,
  fixed: ReadonlySet<string>,
  k = 0,
): void {
  const p = q + 1;
  if (term.matrix && isFree(term.matrix, fixed)) {
    const B = mv.read(values, term.matrix, k);
    for (let i = 0; i < d; i++) for (let j = 0; j < q; j++) B[i * q + j] = z[i * p + j]!;
  }
  if (term.offset && isFree(term.offset, fixed)) {
    const b = mv.read(values, term.offset, k);
    for (let i = 0; i < d; i++) b[i] = z[i * p + q]!;
  }
}

/** A deep copy of param values (the driver keeps earlier iterates, so M-steps never write in place). */
export function copyValues(values: ParamValues): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(values)) out[name] = Float64Array.from(v);
  return out;
}
