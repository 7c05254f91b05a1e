/**
 * The mixture executor: a `FitProgram` bound to data. Resolves sizes, enumerates the joint
 * latent states (S = Π states, the first latent slowest), allocates each param as one flat
 * Float64Array in its declared shape, builds the argument views of every (factor, state) once,
 * and runs the E-step: sum each factor's kernel into an [n, S] log-density matrix, normalise it
 * into responsibilities and the log-likelihood, add the log prior of MAP params. An argument
 * that is an expression (`logistic(dot(X[n], beta[z[n]]))`) is a tape per state (numeric/tape.ts)
 * whose output buffer is the kernel's view, re-evaluated over all items before the kernels run;
 * params of the `numeric` rule get a gradient array, which the numeric M-step fills.
 */
import type { BoundData } from '../data/bind-data.js';
import type { DimEntry } from '../data/data-schema.js';
import { findDistribution } from '../distributions/registry.js';
import { type ArgView, constantView, type KernelWork, makeKernelWork } from '../kernels/arg-view.js';
import { type LogDensityKernel, logDensityKernels } from '../kernels/log-density.js';
import { normalizeResponsibilities, responsibilityEntropy } from '../kernels/responsibilities.js';
import { buildTape, forward, type Tape } from '../numeric/tape.js';
import {
  type ConstantValue,
  type FitFactor,
  type FitParam,
  type FitProgram,
  isScalarConstant,
  type NumericExpr,
  numericRule,
  type ValueSource,
} from './fit-program.js';

export interface MixtureLatent {
  readonly name: string;
  readonly states: number;
  /** s contributes ⌊s / stride⌋ mod states to this latent's state. */
  readonly stride: number;
}

export interface MixtureParam {
  readonly spec: FitParam;
  readonly dims: readonly number[];
  readonly shape: readonly number[];
  /** Entries of one element (Π shape) and number of elements (Π dims). */
  readonly elementSize: number;
  readonly elements: number;
  /** The live values, row-major in the declared shape; updated in place. */
  readonly values: Float64Array;
  /** The log prior density of element `e` at `x`. */
  readonly prior?: { readonly logDensity: (x: number | Float64Array, e: number) => number };
}

export interface MixtureFactor {
  readonly spec: FitFactor;
  readonly kernel: LogDensityKernel;
  /** Per state: the child's view and the arguments' views. */
  readonly child: readonly ArgView[];
  readonly args: readonly (readonly ArgView[])[];
  /**
   * Per state, per argument: the tape of an expression argument, or of a plain argument that is a
   * `numeric` param (a single leaf, for its gradient); absent when the factor has neither.
   */
  readonly tapes?: readonly (readonly (Tape | undefined)[])[];
}

export interface Mixture {
  readonly program: FitProgram;
  readonly n: number;
  readonly S: number;
  readonly latents: readonly MixtureLatent[];
  readonly params: readonly MixtureParam[];
  readonly factors: readonly MixtureFactor[];
  readonly sizes: Readonly<Record<string, number>>;
  /** The bound data variables, for constants that read whole data (prior arguments). */
  readonly inputs: ConstantInputs;
  /** shape [n, S]: log densities, then responsibilities after the E-step. */
  readonly resp: Float64Array;
  /** shape [n] */
  readonly itemLogLik: Float64Array;
  readonly work: KernelWork;
  /** Gradient arrays of the `numeric` params by name, aligned with their values (numeric M-step). */
  readonly grads?: ReadonlyMap<string, Float64Array>;
}

/** Param values by name, as the driver passes them around (copies, never the live arrays). */
export type ParamValues = Readonly<Record<string, Float64Array>>;

export interface MixtureStats {
  readonly resp: Float64Array;
  readonly logLik: number;
  readonly logPrior: number;
  readonly entropy: number;
}

/** A FitProgram that cannot be bound (sizes that disagree with the data): a user-facing message. */
export class FitSetupError extends Error {}

export function resolveDim(d: DimEntry, sizes: Readonly<Record<string, number>>): number {
  if (typeof d === 'number') return d;
  const v = sizes[d];
  if (v === undefined) throw new FitSetupError(`size '${d}' is not known: give it with --size ${d}=…`);
  return v;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

const binaryOps = {
  '+': (a: number, b: number) => a + b,
  '-': (a: number, b: number) => a - b,
  '*': (a: number, b: number) => a * b,
  '/': (a: number, b: number) => a / b,
  '^': (a: number, b: number) => a ** b,
} as const;

/** Data variables by name, as much of them as a constant reads (`BoundData['variables']`). */
export type ConstantInputs = Readonly<Record<string, { readonly values: Float64Array } | undefined>>;

/** The value of a constant at bound sizes, reading whole data variables from `inputs`. */
export function constantValues(
  c: ConstantValue,
  sizes: Readonly<Record<string, number>>,
  inputs: ConstantInputs = {},
): Float64Array {
  if (c.kind === 'number') return Float64Array.of(c.value);
  if (c.kind === 'vector') return Float64Array.from(c.values);
  if (c.kind === 'size') return Float64Array.of(resolveDim(c.name, sizes));
  if (c.kind === 'data') {
    const v = inputs[c.name];
    if (!v) throw new FitSetupError(`data '${c.name}' is missing`);
    return Float64Array.from(v.values);
  }
  if (c.kind === 'neg') return constantValues(c.operand, sizes, inputs).map((v) => -v);
  if (c.kind === 'binary') {
    const a = constantValues(c.left, sizes, inputs);
    const b = constantValues(c.right, sizes, inputs);
    const f = binaryOps[c.op];
    const aScalar = isScalarConstant(c.left);
    const bScalar = isScalarConstant(c.right);
    if (!aScalar && !bScalar && a.length !== b.length) {
      throw new FitSetupError(`a constant '${c.op}' of values of lengths ${a.length} and ${b.length}`);
    }
    const length = aScalar ? b.length : a.length;
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = f(aScalar ? a[0]! : a[i]!, bScalar ? b[0]! : b[i]!);
    return out;
  }
  const d = resolveDim(c.size, sizes);
  if (c.fn === 'eye') {
    const out = new Float64Array(d * d);
    for (let i = 0; i < d; i++) out[i * d + i] = 1;
    return out;
  }
  return new Float64Array(d).fill(c.fn === 'ones' ? 1 : 0);
}

/** The state of latent `l` in joint state s. */
export function stateOf(l: MixtureLatent, s: number): number {
  return Math.floor(s / l.stride) % l.states;
}

/** The element chosen by `selectors` in joint state s (row-major over the selectors' states). */
export function elementOf(latents: readonly MixtureLatent[], selectors: readonly string[], s: number): number {
  let e = 0;
  for (const name of selectors) {
    const l = latents.find((x) => x.name === name);
    if (!l) throw new Error(`selector '${name}' is not a latent of the group`);
    e = e * l.states + stateOf(l, s);
  }
  return e;
}

function makeParam(
  spec: FitParam,
  sizes: Readonly<Record<string, number>>,
  inputs: ConstantInputs,
  lookup: (name: string) => MixtureParam | undefined,
): MixtureParam {
  const dims = spec.dims.map((d) => resolveDim(d, sizes));
  const shape = spec.shape.map((d) => resolveDim(d, sizes));
  const elementSize = product(shape);
  const elements = product(dims);
  const base = { spec, dims, shape, elementSize, elements, values: new Float64Array(elementSize * elements) };
  if (!spec.prior) return base;
  const family = findDistribution(spec.prior.family);
  if (!family) throw new Error(`unknown prior family ${spec.prior.family}`);
  const args = spec.prior.args.map((a) => {
    const v = constantValues(a, sizes, inputs);
    return v.length === 1 && isScalarConstant(a) ? v[0]! : v;
  });
  const covarianceOf = spec.prior.covarianceOf;
  if (covarianceOf !== undefined) {
    // mu[k] ~ MvNormal(m0, Sigma[k] / kappa): the covariance is the live element of the other param.
    const [m0, kappa] = args;
    if (typeof kappa !== 'number' || m0 === undefined) throw new Error(`param ${spec.name}: bad NIW mean prior`);
    return {
      ...base,
      prior: {
        logDensity: (x, e) => {
          const sigma = lookup(covarianceOf);
          if (!sigma) throw new Error(`param ${spec.name}: its prior's covariance '${covarianceOf}' is not a param`);
          const cov = sigma.values.slice(e * sigma.elementSize, (e + 1) * sigma.elementSize).map((v) => v / kappa);
          return family.numerics.logDensity(x, [m0, cov]);
        },
      },
    };
  }
  if (family.elementwise && elementSize > 1) {
    // beta[k] ~ Normal(0, 2.5) with beta[k]: real[P]: independent coordinates, scalar arguments broadcast.
    for (const a of args) {
      if (typeof a !== 'number' && a.length !== elementSize)
        throw new Error(`param ${spec.name}: a prior argument has ${a.length} values for elements of ${elementSize}`);
    }
    const at = (j: number) => args.map((a) => (typeof a === 'number' ? a : a[j]!));
    const coordinateArgs = Array.from({ length: elementSize }, (_, j) => at(j));
    return {
      ...base,
      prior: {
        logDensity: (x) => {
          if (typeof x === 'number') return family.numerics.logDensity(x, coordinateArgs[0]!);
          let total = 0;
          for (let j = 0; j < elementSize; j++) total += family.numerics.logDensity(x[j]!, coordinateArgs[j]!);
          return total;
        },
      },
    };
  }
  return { ...base, prior: { logDensity: (x) => family.numerics.logDensity(x, args) } };
}

function viewOf(
  source: ValueSource,
  s: number,
  mix: Omit<Mixture, 'factors' | 'resp' | 'itemLogLik' | 'work'>,
  data: BoundData,
): ArgView {
  switch (source.kind) {
    case 'param': {
      const p = mix.params.find((q) => q.spec.name === source.name);
      if (!p) throw new Error(`unknown param ${source.name}`);
      // Selectors choose the leading dims; trailing dims (inner-loop indices) are read whole.
      const groups = product(source.selectors.map((name) => mix.latents.find((l) => l.name === name)?.states ?? 1));
      const size = (p.elements / groups) * p.elementSize;
      return { values: p.values, offset: elementOf(mix.latents, source.selectors, s) * size, step: 0, size };
    }
    case 'data': {
      const v = data.variables[source.name];
      if (!v) throw new FitSetupError(`data '${source.name}' is missing`);
      if (source.atItem) {
        // One item is everything after the plate's dim: `x[N]: real[D]` → D, `x[N][J]: cat[C]` → J.
        const row = v.offsets ? v.itemSize : product(v.shape.slice(1));
        return { values: v.values, offset: 0, step: row, size: row };
      }
      const groups = product(source.selectors.map((name) => mix.latents.find((l) => l.name === name)?.states ?? 1));
      const size = v.values.length / groups;
      return { values: v.values, offset: elementOf(mix.latents, source.selectors, s) * size, step: 0, size };
    }
    case 'constant':
      return constantView(constantValues(source.value, mix.sizes, data.variables));
    case 'state': {
      const l = mix.latents.find((x) => x.name === source.latent);
      if (!l) throw new Error(`unknown latent ${source.latent}`);
      return constantView(Float64Array.of(stateOf(l, s)));
    }
    case 'expression':
      throw new Error(`the expression '${source.text}' is read through its tape`);
  }
}

/** The tape of an expression at joint state s: leaves are the views a plain argument would have. */
function tapeOf(
  expr: NumericExpr,
  text: string,
  s: number,
  mix: Omit<Mixture, 'factors' | 'resp' | 'itemLogLik' | 'work'>,
  data: BoundData,
): Tape {
  return buildTape(
    expr,
    mix.n,
    {
      param: (e) => {
        const grad = mix.grads?.get(e.name);
        const view = viewOf({ kind: 'param', name: e.name, selectors: e.selectors }, s, mix, data);
        return grad ? { view, grad } : { view };
      },
      data: (e) => viewOf({ kind: 'data', name: e.name, atItem: e.atItem, selectors: e.selectors }, s, mix, data),
      constant: (e) => constantValues(e.value, mix.sizes, data.variables),
    },
    text,
  );
}

/** Re-evaluates every expression argument at the live param values (before the kernels read them). */
export function refreshExpressions(mix: Mixture): void {
  for (const f of mix.factors) {
    if (!f.tapes) continue;
    for (const row of f.tapes) for (const tape of row) if (tape && tape.out.op !== 'leaf') forward(tape, mix.n);
  }
}

/** Binds a program to data: everything the E- and M-steps need, allocated once. */
export function prepareMixture(program: FitProgram, data: BoundData): Mixture {
  const sizes = data.sizes;
  const n = resolveDim(program.plate.size, sizes);
  const counts = program.latents.map((l) => resolveDim(l.states, sizes));
  const S = product(counts);
  const latents = program.latents.map((l, j) => ({
    name: l.name,
    states: counts[j]!,
    stride: product(counts.slice(j + 1)),
  }));
  const params: MixtureParam[] = [];
  const lookup = (name: string) => params.find((q) => q.spec.name === name);
  for (const p of program.params) params.push(makeParam(p, sizes, data.variables, lookup));
  const numeric = params.filter((p) => p.spec.rule === numericRule);
  const grads = new Map(numeric.map((p) => [p.spec.name, new Float64Array(p.values.length)]));
  const base = {
    program,
    n,
    S,
    latents,
    params,
    sizes,
    inputs: data.variables,
    ...(numeric.length > 0 ? { grads } : {}),
  };
  let maxDim = 1;
  const factors = program.factors.map((spec): MixtureFactor => {
    const kernel = logDensityKernels[spec.family];
    if (!kernel) throw new Error(`no kernel for ${spec.family}`);
    const child: ArgView[] = [];
    const args: ArgView[][] = [];
    const taped = spec.args.some(
      (a) => a.source.kind === 'expression' || (a.source.kind === 'param' && grads.has(a.source.name)),
    );
    const tapes: (Tape | undefined)[][] = [];
    for (let s = 0; s < S; s++) {
      child.push(viewOf(spec.child, s, base, data));
      if (!taped) {
        args.push(spec.args.map((a) => viewOf(a.source, s, base, data)));
        continue;
      }
      const row = spec.args.map(({ source }) =>
        source.kind === 'expression'
          ? tapeOf(source.expr, source.text, s, base, data)
          : source.kind === 'param' && grads.has(source.name)
            ? tapeOf({ kind: 'param', name: source.name, selectors: source.selectors }, source.name, s, base, data)
            : undefined,
      );
      tapes.push(row);
      args.push(spec.args.map((a, k) => row[k]?.out ?? viewOf(a.source, s, base, data)));
    }
    maxDim = Math.max(maxDim, child[0]?.size ?? 1);
    return taped ? { spec, kernel, child, args, tapes } : { spec, kernel, child, args };
  });
  return {
    ...base,
    factors,
    resp: new Float64Array(n * S),
    itemLogLik: new Float64Array(n),
    work: makeKernelWork(maxDim),
  };
}

/** Copies param values into the live arrays. */
export function loadParams(mix: Mixture, values: ParamValues): void {
  for (const p of mix.params) {
    const v = values[p.spec.name];
    if (v) p.values.set(v);
  }
}

/** Copies of the live param values. */
export function saveParams(mix: Mixture): Record<string, Float64Array> {
  return Object.fromEntries(mix.params.map((p) => [p.spec.name, p.values.slice()]));
}

/** Σ over params with a prior of Σ over their elements of log prior(element). */
export function logPriorOf(mix: Mixture): number {
  let total = 0;
  for (const p of mix.params) {
    if (!p.prior) continue;
    for (let e = 0; e < p.elements; e++) {
      const x =
        p.spec.shape.length === 0 ? p.values[e]! : p.values.subarray(e * p.elementSize, (e + 1) * p.elementSize);
      total += p.prior.logDensity(x, e);
    }
  }
  return total;
}

/** The E-step at `values`: responsibilities in `mix.resp`, the log-likelihood and the objective. */
export function eStepMixture(mix: Mixture, values: ParamValues): { objective: number; stats: MixtureStats } {
  loadParams(mix, values);
  refreshExpressions(mix);
  const { resp, n, S } = mix;
  resp.fill(0);
  for (const f of mix.factors) {
    for (let s = 0; s < S; s++) f.kernel(resp, S, s, n, f.child[s]!, f.args[s]!, mix.work);
  }
  const logLik = normalizeResponsibilities(resp, n, S, mix.itemLogLik);
  const logPrior = logPriorOf(mix);
  const objective = logLik + logPrior;
  return {
    objective: Number.isNaN(objective) ? Number.NEGATIVE_INFINITY : objective,
    stats: { resp, logLik, logPrior, entropy: responsibilityEntropy(resp) },
  };
}
