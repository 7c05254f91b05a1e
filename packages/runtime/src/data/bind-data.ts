/**
 * Binds a parsed data set (a JSON-like object) to a model's `DataSchema`: resolves every size,
 * validates every value against its declaration, and lays each data variable out as a flat
 * row-major `Float64Array`. All problems are collected in one pass (at most
 * `maxProblemsPerVariable` per variable, then one note with the rest's count); any error means
 * no value.
 */

import { checkCovariance, checkSimplex, supportViolation } from './check-values.js';
import { type DataProblem, describeValue, stopsBinding } from './data-problems.js';
import { type DataSchema, type DataVariableSchema, fullShape } from './data-schema.js';
import { type ResolvedSize, resolveSizes, type SizeResolution } from './resolve-sizes.js';

export interface BoundVariable {
  readonly name: string;
  readonly schema: DataVariableSchema;
  /** Resolved lengths of the array dims then the element's shape; a ragged dim is -1. */
  readonly shape: readonly number[];
  /** Every entry in row-major order (ragged rows back to back); a missing entry is NaN. */
  readonly values: Float64Array;
  /** 1 where an entry is missing; present only for optional (`?`) variables. */
  readonly missing?: Uint8Array;
  /**
   * For a ragged variable `y[S][T]…`: item offsets, length S + 1; row s holds items
   * offsets[s] … offsets[s+1]−1 of the ragged dim, each `itemSize` entries long.
   */
  readonly offsets?: Int32Array;
  /**
   * Entries per item: the product of the dims after the ragged dim, or of the element's shape
   * when the variable is not ragged (D for `x[N]: real[D]`, 1 for a scalar element).
   */
  readonly itemSize: number;
}

export interface BoundData {
  /** Every plain size, resolved. */
  readonly sizes: Readonly<Record<string, number>>;
  /** Every ragged size: one length per index of the size it is over. */
  readonly raggedSizes: Readonly<Record<string, readonly number[]>>;
  readonly variables: Readonly<Record<string, BoundVariable>>;
}

export interface BindResult {
  readonly value?: BoundData;
  readonly problems: readonly DataProblem[];
}

export interface BindOptions {
  /** Problems reported per variable before the rest are summarised in one note (default 20). */
  readonly maxProblemsPerVariable?: number;
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** Collects problems, capping them per variable. */
class ProblemLog {
  readonly problems: DataProblem[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly cap: number) {}

  add(p: DataProblem, variable?: string): void {
    if (variable === undefined) {
      this.problems.push(p);
      return;
    }
    const n = (this.counts.get(variable) ?? 0) + 1;
    this.counts.set(variable, n);
    if (n <= this.cap) this.problems.push(p);
  }

  /** Appends the "and N more" notes. */
  finish(): DataProblem[] {
    for (const [variable, n] of this.counts) {
      if (n > this.cap) this.problems.push({ kind: 'moreProblems', variable, count: n - this.cap });
    }
    return this.problems;
  }
}

export function bindData(
  schema: DataSchema,
  raw: unknown,
  sizeOverrides: Readonly<Record<string, number>> = {},
  options: BindOptions = {},
): BindResult {
  const log = new ProblemLog(options.maxProblemsPerVariable ?? 20);
  if (!isRecord(raw)) return { problems: [{ kind: 'notAnObject', found: describeValue(raw) }] };

  const known = [...schema.data.map((v) => v.name), ...schema.sizes.map((s) => s.name)];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) log.add({ kind: 'unknownKey', key, known });
  }
  const resolution = resolveSizes(schema, raw, sizeOverrides, (p) => log.add(p));
  for (const v of schema.data) {
    if (!Object.hasOwn(raw, v.name)) log.add({ kind: 'missingVariable', variable: v.name, typeText: v.typeText });
    else new Validator(v, resolution, log).visit(raw[v.name], 0, []);
  }

  const problems = log.finish();
  if (problems.some(stopsBinding)) return { problems };
  const sizes: Record<string, number> = {};
  for (const [name, s] of resolution.sizes) sizes[name] = s.value;
  const raggedSizes: Record<string, readonly number[]> = {};
  for (const [name, r] of resolution.ragged) raggedSizes[name] = r.lengths.map((l) => l ?? 0);
  const variables: Record<string, BoundVariable> = {};
  for (const v of schema.data) variables[v.name] = layOut(v, raw[v.name], sizes, raggedSizes);
  return { value: { sizes, raggedSizes, variables }, problems };
}

/** Walks one variable's value against its declaration and the resolved sizes. */
class Validator {
  private readonly shape;
  private readonly categories: number | undefined;

  constructor(
    private readonly v: DataVariableSchema,
    private readonly resolution: SizeResolution,
    private readonly log: ProblemLog,
  ) {
    this.shape = fullShape(v);
    const k = v.categories;
    this.categories = typeof k === 'number' ? k : k === undefined ? undefined : resolution.sizes.get(k)?.value;
  }

  private report(p: DataProblem): void {
    this.log.add(p, this.v.name);
  }

  /** The length the array at `index` (at `level`) should have, and where that came from. */
  private expected(level: number, index: readonly number[]): ResolvedSize | undefined {
    const entry = this.shape[level];
    if (typeof entry === 'number') return { value: entry, source: { kind: 'declaration' } };
    if (entry === undefined) return undefined;
    const ragged = this.resolution.ragged.get(entry);
    if (!ragged) return this.resolution.sizes.get(entry);
    const s = index[level - 1] ?? 0;
    const value = ragged.lengths[s];
    const source = ragged.sources[s];
    return value === undefined || source === undefined ? undefined : { value, source };
  }

  /** The size at `level` as messages show it: `D`, `T[3]` for a ragged one, or a literal length. */
  private sizeText(level: number, index: readonly number[]): string | number {
    const entry = this.shape[level] ?? 0;
    if (typeof entry === 'number' || !this.resolution.ragged.has(entry)) return entry;
    return `${entry}[${index[level - 1] ?? 0}]`;
  }

  visit(value: unknown, level: number, index: number[]): void {
    if (level === this.shape.length && typeof value === 'number' && Number.isFinite(value)) {
      // The common case, kept free of allocation.
      const rule = supportViolation(this.v.element, value, this.categories);
      if (rule !== undefined) this.visitScalar(value, { variable: this.v.name, index: [...index] });
      return;
    }
    const place = { variable: this.v.name, index: [...index] };
    if (value === null) {
      if (!this.v.optional) this.report({ kind: 'missingValue', ...place, typeText: this.v.typeText });
      else if (level < this.shape.length && this.expected(level, index) === undefined) {
        const entry = String(this.shape[level]);
        const over = this.resolution.ragged.has(entry) ? this.shape[level - 1] : undefined;
        this.report(
          typeof over === 'string'
            ? { kind: 'sizeNotBound', size: entry, over }
            : { kind: 'sizeNotBound', size: entry },
        );
      }
      return;
    }
    if (level === this.shape.length) {
      this.visitScalar(value, place);
      return;
    }
    const size = this.sizeText(level, index);
    if (!Array.isArray(value)) {
      this.report({ kind: 'wrongNesting', ...place, expected: 'array', size, found: describeValue(value) });
      return;
    }
    const expected = this.expected(level, index);
    if (expected && value.length !== expected.value) {
      this.report({
        kind: 'lengthMismatch',
        ...place,
        length: value.length,
        size,
        expected: expected.value,
        source: expected.source,
      });
    }
    value.forEach((child, i) => {
      index.push(i);
      this.visit(child, level + 1, index);
      index.pop();
    });
    if (level === this.v.dims.length) this.checkStructure(value, place);
  }

  private visitScalar(value: unknown, place: { variable: string; index: number[] }): void {
    if (typeof value !== 'number') {
      const found = describeValue(value);
      if (Array.isArray(value)) this.report({ kind: 'wrongNesting', ...place, expected: 'number', found });
      else this.report({ kind: 'notANumber', ...place, found });
      return;
    }
    if (!Number.isFinite(value)) {
      this.report({ kind: 'notFinite', ...place, value });
      return;
    }
    const rule = supportViolation(this.v.element, value, this.categories);
    if (rule === undefined) return;
    const p = { kind: 'outsideSupport' as const, ...place, value, type: this.v.element, rule };
    this.report(rule === 'category-range' && this.categories !== undefined ? { ...p, categories: this.categories } : p);
  }

  /** Simplex and covariance elements, once every entry is a finite number. */
  private checkStructure(element: unknown[], place: { variable: string; index: number[] }): void {
    const finite = (xs: unknown[]): xs is number[] => xs.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (this.v.element === 'simplex' && finite(element)) {
      const bad = checkSimplex(element);
      if (bad) this.report({ kind: 'notASimplex', ...place, ...bad });
    }
    if (this.v.element === 'cov' && element.every((row) => Array.isArray(row) && row.length === element.length)) {
      const rows = element as unknown[][];
      if (!rows.every(finite)) return;
      const bad = checkCovariance(rows as number[][]);
      if (bad) this.report({ kind: 'notACovariance', ...place, ...bad });
    }
  }
}

/** The flat layout of a variable whose value has been validated. */
function layOut(
  v: DataVariableSchema,
  value: unknown,
  sizes: Readonly<Record<string, number>>,
  ragged: Readonly<Record<string, readonly number[]>>,
): BoundVariable {
  const shape = fullShape(v);
  const raggedAxis = shape.findIndex((e) => typeof e === 'string' && ragged[e] !== undefined);
  const lengthAt = (level: number, index: readonly number[]): number => {
    const e = shape[level];
    if (typeof e === 'number') return e;
    if (e === undefined) return 0;
    const r = ragged[e];
    return r ? (r[index[level - 1] ?? 0] ?? 0) : (sizes[e] ?? 0);
  };
  const values: number[] = [];
  const missing: number[] = [];
  const fill = (x: unknown, level: number, index: number[]): void => {
    if (level === shape.length) {
      values.push(typeof x === 'number' ? x : Number.NaN);
      missing.push(typeof x === 'number' ? 0 : 1);
      return;
    }
    const n = lengthAt(level, index);
    for (let i = 0; i < n; i++) {
      index.push(i);
      fill(Array.isArray(x) ? x[i] : null, level + 1, index);
      index.pop();
    }
  };
  fill(value, 0, []);

  const resolved = shape.map((_, level) => (level === raggedAxis ? -1 : lengthAt(level, [])));
  const itemSize = resolved.slice(raggedAxis >= 0 ? raggedAxis + 1 : v.dims.length).reduce((a, b) => a * b, 1);
  const out: { -readonly [K in keyof BoundVariable]: BoundVariable[K] } = {
    name: v.name,
    schema: v,
    shape: resolved,
    values: Float64Array.from(values),
    itemSize,
  };
  if (v.optional) out.missing = Uint8Array.from(missing);
  if (raggedAxis > 0) {
    const rows = resolved.slice(0, raggedAxis).reduce((a, b) => a * b, 1);
    const lengths = ragged[shape[raggedAxis] as string] ?? [];
    const rowLength = resolved[raggedAxis - 1] ?? 1;
    const offsets = new Int32Array(rows + 1);
    for (let r = 0; r < rows; r++) offsets[r + 1] = (offsets[r] ?? 0) + (lengths[r % rowLength] ?? 0);
    out.offsets = offsets;
  }
  return out;
}
