/**
 * What a model expects of its data, in terms the runtime understands without the compiler:
 * the sizes (with defaults and ragged structure) and every `data` declaration's dimensions,
 * element type and shape. The compiler lowers a checked model to this; generated fitters embed
 * it as a constant and validate their input with `bindData` alone.
 */
import type { TypeBase } from '../distributions/type-pattern.js';

/** A dimension or shape entry: the name of a size, or a literal length. */
export type DimEntry = string | number;

export interface SizeSchema {
  readonly name: string;
  /** `size K = 3`: used when neither the data, the data file nor an override gives the size. */
  readonly default?: number;
  /** `size T[S]`: a ragged size, one length per index of the size `over`. */
  readonly over?: string;
}

export interface DataVariableSchema {
  readonly name: string;
  /**
   * Array dimensions before the colon, outermost first (`y[S][T]` → ['S', 'T']). A ragged size
   * may appear only right after the size it is indexed by.
   */
  readonly dims: readonly DimEntry[];
  /** The element type's base (`real`, `count`, `cat`, `simplex`, …). */
  readonly element: TypeBase;
  /**
   * The element's own shape: `real[D]` → ['D'], `simplex[K]` → ['K'], `cov[D]` → ['D', 'D'],
   * scalars and `cat[K]` → [].
   */
  readonly shape: readonly DimEntry[];
  /** For `cat[K]`: the number of categories. */
  readonly categories?: DimEntry;
  /** `TYPE?`: entries may be missing (`null` in JSON, an empty cell in CSV). */
  readonly optional: boolean;
  /** The declared type as written, for messages (`real[D]?`). */
  readonly typeText: string;
}

export interface DataSchema {
  /** The model's name, for messages. */
  readonly model: string;
  readonly sizes: readonly SizeSchema[];
  /** The `data` declarations in source order. */
  readonly data: readonly DataVariableSchema[];
}

/** Every dimension of one value of the variable: array dims, then the element's shape. */
export function fullShape(v: DataVariableSchema): readonly DimEntry[] {
  return [...v.dims, ...v.shape];
}

/** `x[12][1]`: a variable name with an index path. */
export function formatDataPath(variable: string, index: readonly number[]): string {
  return `${variable}${index.map((i) => `[${i}]`).join('')}`;
}
