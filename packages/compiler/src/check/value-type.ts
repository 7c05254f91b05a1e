/**
 * The checker's types. A `ValueType` is a shape — a list of symbolic dimensions, array
 * dimensions first, then the element's own (`x[N]: real[D]` has shape [N, D]) — plus what is
 * known about every scalar entry: its range, whether it is an integer, whether it is a
 * category, and whether the trailing dimensions form a simplex or a covariance matrix.
 * Dimensions are sizes (symbols that never unify with other sizes), literal lengths, or
 * unknown (after an error, so that one mistake is reported once).
 */
import type { Span } from '@emforge/dsl';
import { type Interval, isWithin, nonNegativeReals, positiveReals, realLine, unitInterval } from './interval.js';

/** Where a dimension was written: the size or length in a declaration, for related notes. */
export interface DimOrigin {
  readonly span: Span;
  /** The declared name whose dims or type the dimension belongs to. */
  readonly owner: string;
}

export type Dim =
  | { readonly kind: 'size'; readonly name: string; readonly origin?: DimOrigin }
  | { readonly kind: 'const'; readonly value: number; readonly origin?: DimOrigin }
  | { readonly kind: 'unknown' };

export const unknownDim: Dim = { kind: 'unknown' };

/** A structure spanning the trailing dimensions: a simplex (1) or a covariance matrix (2). */
export type Structure = 'simplex' | 'cov';

export interface ValueType {
  readonly shape: readonly Dim[];
  readonly range: Interval;
  readonly integer: boolean;
  /** For category values (`cat[K]`): the number of categories. */
  readonly categories?: Dim;
  readonly structure?: Structure;
  /** True when the value depends only on sizes, constants, data and loop indices. */
  readonly fixed: boolean;
}

export function structureRank(s: Structure): number {
  return s === 'simplex' ? 1 : 2;
}

export function scalarType(range: Interval, integer: boolean, fixed: boolean): ValueType {
  return { shape: [], range, integer, fixed };
}

/** The type with some properties replaced; drops a structure the new shape can no longer hold. */
export function withShape(t: ValueType, shape: readonly Dim[]): ValueType {
  const out: { -readonly [K in keyof ValueType]: ValueType[K] } = { ...t, shape };
  if (out.structure && shape.length < structureRank(out.structure)) delete out.structure;
  return out;
}

/** The same type without category or structure facts (after arithmetic). */
export function plainNumeric(t: ValueType): ValueType {
  return { shape: t.shape, range: t.range, integer: t.integer, fixed: t.fixed };
}

/**
 * Whether two dimensions can be the same length. Different sizes never are; a literal
 * length matches a size only through the size's default (`size K = 4` matches 4).
 */
export function dimsMatch(a: Dim, b: Dim, defaults: (size: string) => number | undefined): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  if (a.kind === 'size' && b.kind === 'size') return a.name === b.name;
  if (a.kind === 'const' && b.kind === 'const') return a.value === b.value;
  const size = a.kind === 'size' ? a : b;
  const constant = a.kind === 'const' ? a : b;
  return size.kind === 'size' && constant.kind === 'const' && defaults(size.name) === constant.value;
}

export function formatDim(d: Dim): string {
  return d.kind === 'size' ? d.name : d.kind === 'const' ? String(d.value) : '?';
}

function formatShape(shape: readonly Dim[]): string {
  return shape.length === 0 ? '' : `[${shape.map(formatDim).join(', ')}]`;
}

/** The element type name that best describes a range: count, int, prob, positive or real. */
export function rangeTypeName(range: Interval, integer: boolean): string {
  if (integer) return range.lo >= 0 ? 'count' : 'int';
  if (isWithin(range, unitInterval)) return 'prob';
  if (isWithin(range, positiveReals)) return 'positive';
  if (isWithin(range, nonNegativeReals)) return 'non-negative real';
  if (isWithin(range, realLine)) return 'real';
  return 'real';
}

/**
 * The type as a user would write it: `real[D]`, `simplex[K]`, `cat[K]`, `cov[D]`, or, for
 * arrays of structured values, `simplex[M] (array [K])`.
 */
export function formatType(t: ValueType): string {
  if (t.categories && t.shape.length === 0) return `cat[${formatDim(t.categories)}]`;
  if (t.structure) {
    const rank = structureRank(t.structure);
    const outer = t.shape.slice(0, t.shape.length - rank);
    const inner = t.shape.slice(t.shape.length - rank, t.shape.length - rank + 1);
    const element = `${t.structure}${formatShape(inner)}`;
    return outer.length === 0 ? element : `${element} (array ${formatShape(outer)})`;
  }
  if (t.categories) return `cat[${formatDim(t.categories)}] (array ${formatShape(t.shape)})`;
  return `${rangeTypeName(t.range, t.integer)}${formatShape(t.shape)}`;
}
