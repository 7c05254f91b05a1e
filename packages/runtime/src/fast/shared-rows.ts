/**
 * Data that lives where the fast executor computes: `sharedRows(count)` allocates a Float64Array
 * at the start of a growable shared WebAssembly memory, and the fast executor (fast-mixture.ts)
 * then lays its arena out after the data in that same memory instead of copying it — so a
 * 2,000,000 × 10 data set is held once. `bindRows` binds such rows (or any flat Float64Array) to
 * one vector data variable `x[N]: real[D]` without building nested arrays or copying.
 */
import type { BoundData } from '../data/bind-data.js';
import type { DataVariableSchema } from '../data/data-schema.js';

/** 4 GiB of address space: reserved, not resident, until the arena grows into it. */
const MAX_PAGES = 65536;

const homes = new WeakMap<ArrayBufferLike, WebAssembly.Memory>();

/** A zeroed Float64Array of `count` entries at byte 0 of its own growable shared memory. */
export function sharedRows(count: number): Float64Array {
  const pages = Math.max(1, Math.ceil((count * 8) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  homes.set(memory.buffer, memory);
  return new Float64Array(memory.buffer, 0, count);
}

/** The memory `values` starts (at byte 0) when it came from `sharedRows`; else undefined. */
export function homeOf(values: Float64Array): WebAssembly.Memory | undefined {
  return values.byteOffset === 0 ? homes.get(values.buffer) : undefined;
}

/**
 * Binds a flat row-major `values` of shape [N, D] as the data variable `name` (declared
 * `name[N]: real[D]`) without copying, with the sizes N and D named as in `schema`. Every value
 * must be finite (no missing entries).
 */
export function bindRows(
  schema: DataVariableSchema,
  rows: { readonly shape: readonly [number, number]; readonly values: Float64Array },
  sizes: Readonly<Record<string, number>> = {},
): BoundData {
  const [n, d] = rows.shape;
  if (rows.values.length !== n * d)
    throw new Error(`'${schema.name}': ${rows.values.length} values for shape [${n}, ${d}]`);
  for (let i = 0; i < rows.values.length; i++) {
    if (!Number.isFinite(rows.values[i]!))
      throw new Error(`'${schema.name}': entry ${i} (row ${Math.floor(i / d)}) is not a finite number`);
  }
  const named: Record<string, number> = { ...sizes };
  const [nDim] = schema.dims;
  const [dDim] = schema.shape;
  if (typeof nDim === 'string') named[nDim] = n;
  if (typeof dDim === 'string') named[dDim] = d;
  return {
    sizes: named,
    raggedSizes: {},
    variables: { [schema.name]: { name: schema.name, schema, shape: [n, d], values: rows.values, itemSize: d } },
  };
}
