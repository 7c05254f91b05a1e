/**
 * User-given param values (`--init FILE`, `--fix FILE`, the API's `init` / `fixed`): checked
 * against the declared params before fitting — the name, the nested shape (array dims, then the
 * element's), finite numbers, and the element's constraint — with a message naming the param
 * and the index. Accepts either a `params` map or a whole fit result (its `params` field).
 */
import type { TypeBase } from '../distributions/type-pattern.js';
import type { ProgramBase } from './fit-program.js';
import { flattenValue, type ParamValue } from './fit-result.js';
import { resolveDim } from './mixture.js';

export interface CheckedParamValues {
  readonly values?: Readonly<Record<string, ParamValue>>;
  /** One message per problem, each naming the param. */
  readonly problems: readonly string[];
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The first place where `value` does not have `shape`, or undefined. */
function shapeProblem(value: unknown, shape: readonly number[], at: string): string | undefined {
  if (shape.length === 0) {
    return typeof value === 'number' && Number.isFinite(value)
      ? undefined
      : `${at} is ${JSON.stringify(value)}, not a finite number`;
  }
  const [first, ...rest] = shape as [number, ...number[]];
  if (!Array.isArray(value) || value.length !== first) {
    const got = Array.isArray(value) ? `an array of ${value.length}` : JSON.stringify(value);
    return `${at} should be an array of ${first}, got ${got}`;
  }
  for (let i = 0; i < first; i++) {
    const problem = shapeProblem(value[i], rest, `${at}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

function isPositiveDefinite(x: readonly number[], d: number): boolean {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      if (Math.abs(x[i * d + j]! - x[j * d + i]!) > 1e-9 * Math.max(1, Math.abs(x[i * d + j]!))) return false;
      let s = x[i * d + j]!;
      for (let m = 0; m < j; m++) s -= l[i * d + m]! * l[j * d + m]!;
      if (i === j && !(s > 0)) return false;
      l[i * d + j] = i === j ? Math.sqrt(s) : s / l[j * d + j]!;
    }
  }
  return true;
}

/** The constraint of one element (flat), or undefined when it holds. */
const constraints: Partial<Record<TypeBase, (x: readonly number[]) => string | undefined>> = {
  positive: (x) => (x.every((v) => v > 0) ? undefined : 'has an entry ≤ 0 (the type is positive)'),
  prob: (x) => (x.every((v) => v >= 0 && v <= 1) ? undefined : 'has an entry outside [0, 1] (the type is prob)'),
  simplex: (x) =>
    x.every((v) => v >= 0) && Math.abs(x.reduce((a, b) => a + b, 0) - 1) < 1e-6
      ? undefined
      : 'is not on the simplex (entries ≥ 0 summing to 1)',
  cov: (x) =>
    isPositiveDefinite(x, Math.round(Math.sqrt(x.length))) ? undefined : 'is not a symmetric positive-definite matrix',
};

/**
 * Checks `raw` (parsed JSON) against the program's params at the resolved `sizes`.
 * @param label names the source in messages (`--fix fixed.json`)
 */
export function checkParamValues(
  program: Pick<ProgramBase, 'model' | 'params'>,
  sizes: Readonly<Record<string, number>>,
  raw: unknown,
  label: string,
): CheckedParamValues {
  const map = isObject(raw) && isObject(raw.params) ? raw.params : raw;
  if (!isObject(map)) return { problems: [`${label}: expected a JSON object of param values (or a fit result)`] };
  const problems: string[] = [];
  const values: Record<string, ParamValue> = {};
  const names = program.params.map((p) => p.name);
  for (const [name, value] of Object.entries(map)) {
    const spec = program.params.find((p) => p.name === name);
    if (!spec) {
      problems.push(`${label}: '${name}' is not a param of ${program.model} (its params: ${names.join(', ')})`);
      continue;
    }
    const dims = spec.dims.map((d) => resolveDim(d, sizes));
    const shape = spec.shape.map((d) => resolveDim(d, sizes));
    const full = [...dims, ...shape];
    const symbolic = [...spec.dims, ...spec.shape].join(' × ');
    const problem = shapeProblem(value, full, name);
    if (problem) {
      problems.push(
        `${label}: param '${name}' is declared with shape [${full.join(', ')}]${symbolic ? ` (${symbolic})` : ''}: ${problem}`,
      );
      continue;
    }
    const flat = flattenValue(value as ParamValue);
    const size = shape.reduce((a, b) => a * b, 1);
    const check = constraints[spec.element];
    for (let e = 0; check && e * size < flat.length; e++) {
      const bad = check(flat.slice(e * size, (e + 1) * size));
      if (bad) {
        problems.push(`${label}: param '${name}'${dims.length > 0 ? ` element ${e}` : ''} ${bad}`);
        break;
      }
    }
    values[name] = value as ParamValue;
  }
  return problems.length > 0 ? { problems } : { values, problems };
}
