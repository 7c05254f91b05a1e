/**
 * What `bindData` finds wrong with a data set, as facts without wording. The words live in the
 * diagnostic catalogue (band 6xxx, `dataMessages` in the dsl package), which names each kind
 * below; the CLI and the compiler API turn problems into diagnostics with a place in the data
 * file. Keeping the runtime free of wording keeps it free of the dsl package.
 */
import type { TypeBase } from '../distributions/type-pattern.js';

/** A JSON value that is not what was expected, described for a message. */
export type FoundValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'array'; readonly length: number }
  | { readonly kind: 'object' }
  | { readonly kind: 'null' }
  | { readonly kind: 'absent' };

/** Where the value of a size came from. */
export type SizeSource =
  | { readonly kind: 'array'; readonly variable: string; readonly index: readonly number[] }
  | { readonly kind: 'override' }
  | { readonly kind: 'file' }
  | { readonly kind: 'declaration' };

/** A place in the data: a variable and the index path inside it (empty for the whole value). */
export interface DataPlace {
  readonly variable: string;
  readonly index: readonly number[];
}

/** Why a value lies outside its type's support. */
export type SupportRule = 'negative' | 'fractional' | 'not-positive' | 'not-probability' | 'category-range';

export type DataProblem =
  | { readonly kind: 'notAnObject'; readonly found: FoundValue }
  | { readonly kind: 'missingVariable'; readonly variable: string; readonly typeText: string }
  | { readonly kind: 'unknownKey'; readonly key: string; readonly known: readonly string[] }
  | (DataPlace & {
      readonly kind: 'wrongNesting';
      readonly expected: 'array' | 'number';
      /** For an expected array: its size (`D`, `T[3]` for a ragged one) or literal length. */
      readonly size?: string | number;
      readonly found: FoundValue;
    })
  | (DataPlace & {
      readonly kind: 'lengthMismatch';
      readonly length: number;
      /** The size this array's length should be (`D`, `T[3]` for a ragged one), or a literal length. */
      readonly size: string | number;
      readonly expected: number;
      readonly source: SizeSource;
    })
  | (DataPlace & { readonly kind: 'notANumber'; readonly found: FoundValue })
  | (DataPlace & { readonly kind: 'missingValue'; readonly typeText: string })
  | (DataPlace & { readonly kind: 'notFinite'; readonly value: number })
  | (DataPlace & {
      readonly kind: 'outsideSupport';
      readonly value: number;
      readonly type: TypeBase;
      readonly rule: SupportRule;
      /** For `category-range`: the number of categories. */
      readonly categories?: number;
    })
  | (DataPlace & { readonly kind: 'notASimplex'; readonly sum: number; readonly negativeAt?: number })
  | (DataPlace & {
      readonly kind: 'notACovariance';
      /** The first asymmetric pair (row, column), or absent when the matrix is not positive definite. */
      readonly asymmetricAt?: readonly [number, number];
    })
  | { readonly kind: 'sizeNotBound'; readonly size: string; readonly over?: string }
  | { readonly kind: 'sizeInvalid'; readonly size: string; readonly found: FoundValue; readonly source: SizeSource }
  | {
      readonly kind: 'sizeConflict';
      readonly size: string;
      readonly value: number;
      readonly source: SizeSource;
      readonly other: number;
      readonly otherSource: SizeSource;
    }
  | { readonly kind: 'unknownSize'; readonly size: string; readonly known: readonly string[]; readonly ragged: boolean }
  | { readonly kind: 'moreProblems'; readonly variable: string; readonly count: number };

export type DataProblemKind = DataProblem['kind'];

/** Whether a problem stops binding; an unknown key (a warning) and the overflow note do not. */
export function stopsBinding(p: DataProblem): boolean {
  return p.kind !== 'unknownKey' && p.kind !== 'moreProblems';
}

/** Describes any JSON value for a message. */
export function describeValue(value: unknown): FoundValue {
  if (value === undefined) return { kind: 'absent' };
  if (value === null) return { kind: 'null' };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'string', text: value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (Array.isArray(value)) return { kind: 'array', length: value.length };
  return { kind: 'object' };
}
