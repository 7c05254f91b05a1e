/**
 * Standard errors from the observed information, for any program kind: the caller gives the
 * declared params, their fitted values and `objectiveAt(values)` — the exact objective the
 * executor's E-step computes (the observed-data log-likelihood, plus the log prior for MAP).
 *
 * 1. Each element of each free param is mapped to unconstrained coordinates u by the bijections
 *    of em/unconstrained.ts (identity, log, logit, additive log-ratio, log-Cholesky); fixed params
 *    are left out. An element on the boundary of its domain (a zero weight, a probability of 0
 *    or 1, a singular covariance) has no finite coordinates: it is held at its value, its entries
 *    get `null` and a warning, and the other params' errors are conditional on it.
 * 2. The observed information I = −∇²f(û), f(u) = objective(constrain(u)), by central
 *    differences with Richardson extrapolation (hessian.ts): gradients from the model are not
 *    available to the runtime yet, and the objective is the exact one EM maximised.
 * 3. I is scaled to unit diagonal, R = S⁻¹IS⁻¹ with S = diag(√I_ii), and decomposed. An
 *    eigenvalue below 1e-6·λ_max is a flat direction (the objective does not identify it: the
 *    rotation of factor loadings, a component no item supports); a negative one means the
 *    params are not a local maximum. Both are excluded from the pseudo-inverse.
 * 4. Delta method: a declared entry x = g(u) has Var(x) ≈ ∇gᵀ I⁺ ∇g, with ∇g from the closed-form
 *    Jacobian of the inverse transform (transform-jacobian.ts), so every entry of a simplex or a
 *    covariance gets an error. An entry whose gradient reaches into an excluded direction (more
 *    than 1e-6 of its squared length in R's scale) is not identifiable there: `null`, with one
 *    warning naming the params. Nothing non-finite is ever returned.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { TypeBase } from '../distributions/type-pattern.js';
import type { StandardErrorValue } from '../em/fit-result.js';
import type { ParamValues } from '../em/mixture.js';
import { transforms } from '../em/unconstrained.js';
import { chooseSteps, richardsonHessian } from './hessian.js';
import { transformJacobians } from './transform-jacobian.js';

/** A declared param with its sizes resolved. */
export interface SeParam {
  readonly name: string;
  readonly element: TypeBase;
  /** Array dims, then the element's shape: `Sigma[K]: cov[D]` → [K] and [D, D]. */
  readonly dims: readonly number[];
  readonly shape: readonly number[];
}

export interface StandardErrorProblem {
  readonly params: readonly SeParam[];
  /** Every param's fitted values (fixed ones included), flat row-major in the declared shape. */
  readonly values: ParamValues;
  /** Params held fixed: no standard errors, not differentiated. */
  readonly fixed: ReadonlySet<string>;
  /** The exact objective at `values` (every param present); −∞ or NaN where undefined. */
  readonly objectiveAt: (values: ParamValues) => number;
  readonly objective: 'log-likelihood' | 'log-posterior';
}

export interface StandardErrors {
  /** One entry per free param, in its declared shape. */
  readonly standardErrors: Record<string, StandardErrorValue>;
  readonly seMethod: string;
  readonly warnings: readonly string[];
}

/** Eigenvalues of the scaled information below this fraction of the largest are flat directions. */
const flatTolerance = 1e-6;
/** An entry whose gradient has more than this share of its squared length in an excluded direction is null. */
const leakTolerance = 1e-6;

/** What the method is, as the result states it. */
export function seMethodOf(objective: 'log-likelihood' | 'log-posterior'): string {
  const of = objective === 'log-posterior' ? 'the log posterior' : 'the observed-data log-likelihood';
  return `observed information: Hessian of ${of} by Richardson-extrapolated central differences`;
}

/** One element of a free param whose unconstrained coordinates are u[offset … offset + free). */
interface Slot {
  readonly param: SeParam;
  readonly element: number;
  readonly size: number;
  readonly offset: number;
  readonly free: number;
}

type Reason = 'boundary' | 'flat' | 'not-maximum' | 'undefined';

const reasonText: Readonly<Record<Reason, string>> = {
  boundary:
    'on the boundary of their domain (a zero weight or probability, a singular covariance): they are held there, and the other standard errors are conditional on them',
  flat: 'not identifiable: the objective is flat along a direction that moves them (a rotation of factor loadings, a component no item supports, …)',
  'not-maximum':
    'undefined: the objective curves upward along a direction that moves them, so the params are not a local maximum (is the fit converged?)',
  undefined: 'undefined: the objective is not finite near the fitted params',
};

function nest(flat: readonly (number | null)[], shape: readonly number[], offset = 0): StandardErrorValue {
  if (shape.length === 0) return flat[offset] ?? null;
  const [first, ...rest] = shape as [number, ...number[]];
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first }, (_, i) => nest(flat, rest, offset + i * stride));
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Entry name for messages: `mu[1]` (the element of an array param), or the param's name. */
const elementName = (slot: { param: SeParam; element: number }) =>
  slot.param.dims.length === 0 ? slot.param.name : `${slot.param.name}[${slot.element}]`;

export function computeStandardErrors(problem: StandardErrorProblem): StandardErrors {
  const free = problem.params.filter((p) => !problem.fixed.has(p.name));
  const work: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(problem.values)) work[name] = v.slice();
  const errors = new Map(
    free.map((p) => [p.name, new Array<number | null>(product([...p.dims, ...p.shape])).fill(null)]),
  );
  const nulls = new Map<Reason, Set<string>>();
  const mark = (reason: Reason, name: string) => {
    const set = nulls.get(reason) ?? new Set<string>();
    set.add(name);
    nulls.set(reason, set);
  };

  // 1. The coordinates of every interior element.
  const slots: Slot[] = [];
  const u0: number[] = [];
  for (const param of free) {
    const size = product(param.shape);
    const t = transforms[param.element];
    const m = t.free(size);
    const values = problem.values[param.name];
    if (!values) throw new Error(`standard errors: no fitted values for '${param.name}'`);
    for (let e = 0; e < product(param.dims); e++) {
      const u = new Float64Array(m);
      t.forward(values.subarray(e * size, (e + 1) * size), u);
      if (!u.every(Number.isFinite)) {
        mark('boundary', elementName({ param, element: e }));
        continue;
      }
      slots.push({ param, element: e, size, offset: u0.length, free: m });
      u0.push(...u);
    }
  }
  const u = Float64Array.from(u0);
  const f = (point: Float64Array): number => {
    for (const s of slots) {
      const target = work[s.param.name]!.subarray(s.element * s.size, (s.element + 1) * s.size);
      const ok = transforms[s.param.element].inverse(point.subarray(s.offset, s.offset + s.free), target);
      if (!ok) return Number.NaN;
    }
    const value = problem.objectiveAt(work);
    return Number.isFinite(value) ? value : Number.NaN;
  };

  // 2. The observed information.
  const m = u.length;
  const f0 = m > 0 ? f(u) : 0;
  let information = new Float64Array(0);
  if (m > 0 && Number.isFinite(f0)) {
    const hessian = richardsonHessian(f, u, f0, chooseSteps(f, u, f0));
    information = hessian.map((h) => -h);
  } else if (m > 0) {
    for (const s of slots) mark('undefined', elementName(s));
  }

  // 3. Scaled eigen-decomposition over the coordinates with a finite, positive diagonal.
  const position = new Int32Array(m).fill(-1);
  const reasonOf = new Array<Reason | undefined>(m);
  const good: number[] = [];
  for (let i = 0; i < m && information.length > 0; i++) {
    let finite = true;
    for (let j = 0; j < m; j++) finite &&= Number.isFinite(information[i * m + j]!);
    if (!finite) reasonOf[i] = 'undefined';
    else if (!(information[i * m + i]! > 0)) reasonOf[i] = 'not-maximum';
    else {
      position[i] = good.length;
      good.push(i);
    }
  }
  const scale = good.map((i) => Math.sqrt(information[i * m + i]!));
  let eigenvalues: number[] = [];
  let vectors: Matrix | undefined;
  if (good.length > 0) {
    const scaled = good.map((i, a) => good.map((j, b) => information[i * m + j]! / (scale[a]! * scale[b]!)));
    const evd = new EigenvalueDecomposition(new Matrix(scaled), { assumeSymmetric: true });
    eigenvalues = evd.realEigenvalues;
    vectors = evd.eigenvectorMatrix;
  }
  const largest = Math.max(0, ...eigenvalues);
  const kindOf = (lambda: number): 'flat' | 'not-maximum' | undefined =>
    lambda < -flatTolerance * largest ? 'not-maximum' : lambda <= flatTolerance * largest ? 'flat' : undefined;

  // 4. The delta method, entry by entry.
  for (const s of slots) {
    const x = problem.values[s.param.name]!.subarray(s.element * s.size, (s.element + 1) * s.size);
    const jac = new Float64Array(s.size * s.free);
    transformJacobians[s.param.element](x, jac);
    const out = errors.get(s.param.name)!;
    for (let r = 0; r < s.size; r++) {
      let reason: Reason | undefined;
      const scaledGradient = new Float64Array(good.length);
      let norm = 0;
      for (let c = 0; c < s.free; c++) {
        const g = jac[r * s.free + c]!;
        if (g === 0) continue;
        const i = s.offset + c;
        if (!Number.isFinite(g)) reason = 'undefined';
        else if (position[i]! < 0) reason ??= reasonOf[i] ?? 'undefined';
        else {
          const a = position[i]!;
          scaledGradient[a] = g / scale[a]!;
          norm += scaledGradient[a]! ** 2;
        }
      }
      let variance = 0;
      const leak = { flat: 0, 'not-maximum': 0 };
      for (let k = 0; reason === undefined && k < eigenvalues.length && norm > 0; k++) {
        let projection = 0;
        for (let a = 0; a < good.length; a++) projection += scaledGradient[a]! * vectors!.get(a, k);
        const kind = kindOf(eigenvalues[k]!);
        if (kind === undefined) variance += (projection * projection) / eigenvalues[k]!;
        else leak[kind] += projection * projection;
      }
      if (reason === undefined && leak.flat + leak['not-maximum'] > leakTolerance * norm)
        reason = leak['not-maximum'] > leak.flat ? 'not-maximum' : 'flat';
      const se = Math.sqrt(variance);
      if (reason === undefined && !Number.isFinite(se)) reason = 'undefined';
      if (reason !== undefined) mark(reason, elementName(s));
      else out[s.element * s.size + r] = se;
    }
  }

  const standardErrors: Record<string, StandardErrorValue> = {};
  for (const p of free) standardErrors[p.name] = nest(errors.get(p.name)!, [...p.dims, ...p.shape]);
  const directions = (kind: Reason) => eigenvalues.filter((l) => kindOf(l) === kind).length;
  const warnings = [...nulls].map(([reason, names]) => {
    const count = reason === 'flat' || reason === 'not-maximum' ? directions(reason) : 0;
    const along = count > 0 ? ` (${count} direction${count === 1 ? '' : 's'} of the observed information)` : '';
    return `standard errors of ${[...names].join(', ')} are null: ${reasonText[reason]}${along}`;
  });
  return { standardErrors, seMethod: seMethodOf(problem.objective), warnings };
}
