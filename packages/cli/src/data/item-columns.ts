/**
 * Growable per-variable columns for data read one item at a time (NDJSON lines): each item's
 * value — a number, `null`, or a regular nested array of them — is appended to a Float64Array
 * that doubles when full (`null` kept as NaN, which JSON cannot hold), with the item's end
 * offset, so a large file is held as packed numbers, not as parsed JSON. At the end the column
 * hands on the per-item values in the nested-array shape `bindData` takes, equal to what
 * parsing the items as JSON would have given. A value the packed form cannot hold exactly
 * (a string, a boolean, an object, an array of uneven depth or inner lengths) switches the
 * column to plain JSON values, so odd data still reaches binding and its checks unchanged.
 */

/** A Float64Array that doubles when full. */
class GrowableFloat64 {
  values = new Float64Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = x;
  }
}

/** An Int32Array that doubles when full (line numbers). */
export class GrowableInt32 {
  values = new Int32Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.values.length) {
      const next = new Int32Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = x;
  }

  at(i: number): number | undefined {
    return i >= 0 && i < this.length ? this.values[i] : undefined;
  }
}

/**
 * The column of one per-item variable. `depth` is how deeply each item's value nests: 0 for a
 * scalar per item, 1 for a row `x[N]: real[D]` or a sequence `y[S][T]`, and so on. The first
 * level of an item may have any length (a sequence's); deeper levels must keep the lengths of
 * the first item that has them.
 */
export class ItemColumn {
  private readonly values = new GrowableFloat64();
  /** End of each item's entries in `values` (start is the previous end). */
  private readonly ends = new GrowableFloat64();
  /** Lengths of the levels below the first, once an item has shown them. */
  private inner: number[] | undefined;
  /** The items as plain JSON values, once one could not be packed. */
  private plain: unknown[] | undefined;

  constructor(private readonly depth: number) {}

  get length(): number {
    return this.plain ? this.plain.length : this.ends.length;
  }

  push(value: unknown): void {
    if (this.plain) {
      this.plain.push(value);
      return;
    }
    const mark = this.values.length;
    if (this.pack(value, 0)) {
      this.ends.push(this.values.length);
      return;
    }
    this.values.length = mark;
    this.plain = this.items();
    this.plain.push(value);
  }

  /** Appends the entries of `value` at `level`; false when it does not have the packed form. */
  private pack(value: unknown, level: number): boolean {
    if (level === this.depth) {
      if (typeof value === 'number') this.values.push(value);
      else if (value === null) this.values.push(Number.NaN);
      else return false;
      return true;
    }
    if (!Array.isArray(value)) return false;
    if (level > 0) {
      // An empty inner array would hide the lengths above it.
      if (value.length === 0) return false;
      this.inner ??= [];
      const expected = this.inner[level - 1];
      if (expected === undefined) this.inner[level - 1] = value.length;
      else if (expected !== value.length) return false;
    }
    for (const child of value) if (!this.pack(child, level + 1)) return false;
    return true;
  }

  /** Every item as the JSON value it was read from. */
  items(): unknown[] {
    if (this.plain) return this.plain;
    const out = new Array<unknown>(this.ends.length);
    const values = this.values.values;
    const inner = this.inner ?? [];
    const innerSize = inner.reduce((a, b) => a * b, 1);
    let start = 0;
    for (let i = 0; i < this.ends.length; i++) {
      const end = this.ends.values[i]!;
      if (this.depth === 0) out[i] = scalar(values[start]!);
      else {
        const first = innerSize === 0 ? 0 : (end - start) / innerSize;
        out[i] = unpack(values, start, [first, ...inner], 0);
      }
      start = end;
    }
    return out;
  }
}

const scalar = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** The nested array of `shape` whose entries start at `offset` of `values`. */
function unpack(values: Float64Array, offset: number, shape: readonly number[], level: number): unknown[] {
  const n = shape[level]!;
  const out = new Array<unknown>(n);
  if (level === shape.length - 1) {
    for (let i = 0; i < n; i++) out[i] = scalar(values[offset + i]!);
    return out;
  }
  let stride = 1;
  for (let l = level + 1; l < shape.length; l++) stride *= shape[l]!;
  for (let i = 0; i < n; i++) out[i] = unpack(values, offset + i * stride, shape, level + 1);
  return out;
}
