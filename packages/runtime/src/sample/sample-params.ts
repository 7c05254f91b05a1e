/**
 * The params `sample` draws from, checked against a FitProgram before any draw: every param
 * present and no unknown name, nested arrays in the declared shape (which also gives sizes not
 * set otherwise: `mu[K]: real[D]` given as 3 rows of 2 fixes K = 3, D = 2), finite values inside
 * the element type's support (a simplex sums to 1, a `cov` is symmetric positive definite).
 * Every problem is a message naming the param and the index.
 */

import { formatDataPath } from '../data/data-schema.js';
import type { DeclaredParam } from '../em/fit-program.js';
import type { ParamValue } from '../em/fit-result.js';
import { flattenValue } from '../em/fit-result.js';
import { choleskyInto } from '../math/cholesky.js';

/** A problem with the params or sizes of a `sample` call: a message for the user. */
export class SampleError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'SampleError';
  }
}

/** Sums further than this from 1 are not a simplex (fit results sum to 1 up to round-off). */
const SIMPLEX_TOLERANCE = 1e-6;

/**
 * Walks a param's nested value along its dims and shape, fixing the symbolic sizes it measures
 * in `sizes` (unless already set) and reporting a length that disagrees.
 */
function measure(
  spec: DeclaredParam,
  value: ParamValue,
  sizes: Record<string, number>,
  problems: string[],
  level = 0,
  index: number[] = [],
): void {
  const entries = [...spec.dims, ...spec.shape];
  const path = formatDataPath(spec.name, index);
  const entry = entries[level];
  if (entry === undefined) {
    if (typeof value !== 'number') problems.push(`param '${spec.name}': ${path} should be a number, found an array`);
    return;
  }
  if (!Array.isArray(value)) {
    problems.push(`param '${spec.name}': ${path} should be an array of length ${describeDim(entry, sizes)}`);
    return;
  }
  if (typeof entry === 'string' && sizes[entry] === undefined) sizes[entry] = value.length;
  const expected = typeof entry === 'number' ? entry : sizes[entry]!;
  if (value.length !== expected) {
    problems.push(
      `param '${spec.name}': ${path} has length ${value.length}, expected ${describeDim(entry, sizes)}` +
        (typeof entry === 'string' ? ` (give the size with --size ${entry}=… or fix the param)` : ''),
    );
    return;
  }
  value.forEach((child, i) => {
    measure(spec, child, sizes, problems, level + 1, [...index, i]);
  });
}

function describeDim(entry: string | number, sizes: Readonly<Record<string, number>>): string {
  if (typeof entry === 'number') return String(entry);
  const v = sizes[entry];
  return v === undefined ? entry : `${entry} = ${v}`;
}

/** Support problems of one element (flat entries of one `simplex[K]`, `cov[D]`, or a scalar). */
function elementProblem(spec: DeclaredParam, x: Float64Array): string | undefined {
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return `is not finite (${x[bad]})`;
  switch (spec.element) {
    case 'positive':
      return x.some((v) => v <= 0) ? 'must be positive' : undefined;
    case 'prob':
      return x.some((v) => v < 0 || v > 1) ? 'must be a probability in [0, 1]' : undefined;
    case 'simplex': {
      const sum = x.reduce((a, b) => a + b, 0);
      if (x.some((v) => v < 0)) return 'must be a simplex: an entry is negative';
      return Math.abs(sum - 1) > SIMPLEX_TOLERANCE ? `must be a simplex: its entries sum to ${sum}` : undefined;
    }
    case 'cov': {
      const d = Math.round(Math.sqrt(x.length));
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) {
          const a = x[i * d + j]!;
          const b = x[j * d + i]!;
          if (Math.abs(a - b) > 1e-8 * Math.max(1, Math.abs(a), Math.abs(b)))
            return `must be a symmetric matrix: [${i}][${j}] is ${a} but [${j}][${i}] is ${b}`;
        }
      }
      const chol = new Float64Array(d * d);
      return choleskyInto(x, chol, d) ? undefined : 'must be a positive definite covariance matrix';
    }
    default:
      return undefined;
  }
}

/**
 * Checks `params` against the program (its declared params) and returns them flat (row-major), with the sizes they
 * measure added to `sizes`. Throws a SampleError listing every problem.
 */
export function checkSampleParams(
  program: { readonly model: string; readonly params: readonly DeclaredParam[] },
  params: Readonly<Record<string, unknown>>,
  sizes: Record<string, number>,
): Record<string, Float64Array> {
  const problems: string[] = [];
  const known = program.params.map((p) => p.name);
  for (const name of Object.keys(params)) {
    if (!known.includes(name))
      problems.push(`'${name}' is not a param of ${program.model} (its params: ${known.join(', ')})`);
  }
  for (const spec of program.params) {
    if (!Object.hasOwn(params, spec.name))
      problems.push(`param '${spec.name}' is missing: every param needs a value to sample from`);
    else measure(spec, params[spec.name] as ParamValue, sizes, problems);
  }
  if (problems.length > 0) throw new SampleError(problems);
  const out: Record<string, Float64Array> = {};
  for (const spec of program.params) {
    const flat = Float64Array.from(flattenValue(params[spec.name] as ParamValue));
    const dims = spec.dims.map((d) => (typeof d === 'number' ? d : sizes[d]!));
    const size = spec.shape.map((d) => (typeof d === 'number' ? d : sizes[d]!)).reduce((a, b) => a * b, 1);
    const elements = dims.reduce((a, b) => a * b, 1);
    for (let e = 0; e < elements; e++) {
      const problem = elementProblem(spec, flat.subarray(e * size, (e + 1) * size));
      if (problem === undefined) continue;
      const index: number[] = [];
      let rest = e;
      for (let k = dims.length - 1; k >= 0; k--) {
        index.unshift(rest % dims[k]!);
        rest = Math.floor(rest / dims[k]!);
      }
      problems.push(`param '${spec.name}': ${formatDataPath(spec.name, index)} ${problem}`);
    }
    out[spec.name] = flat;
  }
  if (problems.length > 0) throw new SampleError(problems);
  return out;
}
