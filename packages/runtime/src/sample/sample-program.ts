/**
 * Ancestral sampling from a FitProgram with given params (`emforge sample`). The FitProgram is
 * the lowered model the EM runtime executes — item plate, latents, factors with the source of
 * every argument — so sampling reads exactly the structure that fitting reads, and a sample
 * round-trips through `fit`. Per item, the factors run in dependency order (a latent's factor
 * once the latents selecting its arguments are drawn, an observation once its latents are):
 * each latent's state is drawn, then each observed variable given the states, from one seeded
 * stream, so the same seed gives the same draws. Data the model reads but never draws (Binomial
 * trials, covariates, fixed tables) are inputs, bound beforehand and echoed into the output.
 * Sizes: `--size` overrides, then what the params measure, then the inputs, then defaults.
 */
import type { BoundData } from '../data/bind-data.js';
import type { DataSchema, DataVariableSchema } from '../data/data-schema.js';
import type { NumericValue } from '../distributions/numerics.js';
import { findDistribution } from '../distributions/registry.js';
import {
  type FitFactor,
  type FitProgram,
  isScalarConstant,
  type NumericExpr,
  type NumericUnaryOp,
  type ValueSource,
} from '../em/fit-program.js';
import { nestValues, type ParamValue } from '../em/fit-result.js';
import { constantValues } from '../em/mixture.js';
import { RandomStream } from '../random/stream.js';
import { checkSampleParams, SampleError } from './sample-params.js';

export interface SampleOptions {
  /** Seed of the random stream (default 1). */
  readonly seed?: number;
  /** Size overrides (`--size N=1000`); they win over what the params and inputs measure. */
  readonly sizes?: Readonly<Record<string, number>>;
  /** The data the model reads but does not draw, bound to `inputSchema(…)`. */
  readonly inputs?: BoundData;
  /** A ragged size's lengths (`T[S]`: one length per sequence of a chain); they win over the inputs'. */
  readonly raggedSizes?: Readonly<Record<string, readonly number[]>>;
}

export interface SampleResult {
  /** Every size used. */
  readonly sizes: Readonly<Record<string, number>>;
  /** The data set, keyed by data name in declaration order, nested as declared (the binder's format). */
  readonly data: Readonly<Record<string, ParamValue>>;
  /** The drawn latent states, per latent, one per item. */
  readonly latents: Readonly<Record<string, number[]>>;
}

/** The data variables some factor draws (observations at the item). */
export function sampledVariables(program: FitProgram): Set<string> {
  return new Set(program.factors.flatMap((f) => (f.child.kind === 'data' ? [f.child.name] : [])));
}

/** The part of the data schema `sample` needs as input: the data read but never drawn. */
export function inputSchema(program: FitProgram, schema: DataSchema): DataSchema {
  return inputSchemaWithout(schema, sampledVariables(program));
}

/** The data schema less the `drawn` variables, with the sizes the rest use. */
export function inputSchemaWithout(schema: DataSchema, drawn: ReadonlySet<string>): DataSchema {
  const data = schema.data.filter((v) => !drawn.has(v.name));
  const used = new Set<string | number | undefined>(data.flatMap((v) => [...v.dims, ...v.shape, v.categories]));
  return { ...schema, sizes: schema.sizes.filter((s) => used.has(s.name)), data };
}

/** The size overrides that concern `inputs` (the others would be unknown sizes to the binder). */
export function inputSizes(inputs: DataSchema, overrides: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(overrides).filter(([name]) => inputs.sizes.some((s) => s.name === name)));
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Reads one argument's value for item i given the drawn states (a number for scalar sources). */
type Reader = (i: number, states: Int32Array) => Float64Array;

interface PreparedFactor {
  readonly spec: FitFactor;
  readonly sample: (rng: RandomStream, params: readonly NumericValue[], out?: Float64Array) => NumericValue;
  readonly elementwise: boolean;
  readonly readers: readonly Reader[];
  readonly scalar: readonly boolean[];
  /** Latents (by index) and drawn variables this factor needs first. */
  readonly needsLatents: readonly number[];
  readonly needsData: readonly string[];
  /** The latent it draws (index), or the variable with its entries per item. */
  readonly drawsLatent?: number;
  readonly drawsData?: { readonly name: string; readonly size: number };
}

interface Context {
  readonly program: FitProgram;
  readonly sizes: Readonly<Record<string, number>>;
  readonly params: Readonly<Record<string, Float64Array>>;
  readonly schema: DataSchema;
  readonly latentStates: readonly number[];
  /** Drawn and input data, flat. */
  readonly data: SampleData;
}

/** A size's value: a number, or a name in `sizes` (a SampleError when it is not known). */
export function dimOf(d: string | number, sizes: Readonly<Record<string, number>>): number {
  if (typeof d === 'number') return d;
  const v = sizes[d];
  if (v === undefined) throw new SampleError([`size '${d}' is not known: give it with --size ${d}=…`]);
  return v;
}

function latentIndex(ctx: Context, name: string): number {
  const j = ctx.program.latents.findIndex((l) => l.name === name);
  if (j < 0) throw new Error(`'${name}' is not a latent of the group`);
  return j;
}

/** The element index chosen by `selectors` (row-major over their states). */
function selectorIndex(ctx: Context, selectors: readonly number[], states: Int32Array): number {
  let e = 0;
  for (const j of selectors) e = e * ctx.latentStates[j]! + states[j]!;
  return e;
}

function readerOf(ctx: Context, source: ValueSource): { read: Reader; scalar: boolean; latents: number[] } {
  switch (source.kind) {
    case 'param': {
      const values = ctx.params[source.name]!;
      const spec = ctx.program.params.find((p) => p.name === source.name)!;
      const size = product(spec.shape.map((d) => dimOf(d, ctx.sizes)));
      const selectors = source.selectors.map((s) => latentIndex(ctx, s));
      return {
        read: (_i, states) => {
          const e = selectorIndex(ctx, selectors, states);
          return values.subarray(e * size, (e + 1) * size);
        },
        scalar: spec.shape.length === 0,
        latents: selectors,
      };
    }
    case 'data': {
      const v = ctx.data[source.name];
      const schema = ctx.schema.data.find((d) => d.name === source.name);
      if (!v || !schema) throw new SampleError([`data '${source.name}' is needed to sample: give it with --data FILE`]);
      const selectors = source.selectors.map((s) => latentIndex(ctx, s));
      if (source.atItem) {
        return {
          read: (i) => v.values.subarray(i * v.itemSize, (i + 1) * v.itemSize),
          scalar: schema.shape.length === 0,
          latents: [],
        };
      }
      const groups = product(selectors.map((j) => ctx.latentStates[j]!));
      const size = v.values.length / groups;
      return {
        read: (_i, states) => {
          const e = selectorIndex(ctx, selectors, states);
          return v.values.subarray(e * size, (e + 1) * size);
        },
        scalar: size === 1 && schema.shape.length === 0,
        latents: selectors,
      };
    }
    case 'constant': {
      const c = constantValues(source.value, ctx.sizes, ctx.data);
      return { read: () => c, scalar: isScalarConstant(source.value), latents: [] };
    }
    case 'state': {
      const j = latentIndex(ctx, source.latent);
      const cell = new Float64Array(1);
      return {
        read: (_i, states) => {
          cell[0] = states[j]!;
          return cell;
        },
        scalar: true,
        latents: [j],
      };
    }
    case 'expression':
      return expressionReader(ctx, source.expr);
  }
}

type Prepared = { read: Reader; scalar: boolean; latents: number[] };

const unaryOps: Readonly<Record<NumericUnaryOp, (x: number) => number>> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  logistic: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  log1p: Math.log1p,
};

const binaryOps: Readonly<Record<'+' | '-' | '*' | '/' | '^', (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
};

/**
 * An expression argument (`logistic(dot(X[n], beta[z[n]]))`) read per item and state: sampling
 * is not a hot path, so the expression is evaluated directly, element by element.
 */
function expressionReader(ctx: Context, e: NumericExpr): Prepared {
  const union = (...parts: Prepared[]) => [...new Set(parts.flatMap((p) => p.latents))];
  switch (e.kind) {
    case 'constant':
    case 'param':
    case 'data':
      return readerOf(ctx, e);
    case 'unary': {
      const x = expressionReader(ctx, e.operand);
      const f = unaryOps[e.op];
      return { read: (i, s) => x.read(i, s).map(f), scalar: x.scalar, latents: x.latents };
    }
    case 'binary': {
      const a = expressionReader(ctx, e.left);
      const b = expressionReader(ctx, e.right);
      const f = binaryOps[e.op];
      const read: Reader = (i, s) => {
        const u = a.read(i, s);
        const v = b.read(i, s);
        const n = a.scalar ? v.length : u.length;
        const out = new Float64Array(n);
        for (let k = 0; k < n; k++) out[k] = f(a.scalar ? u[0]! : u[k]!, b.scalar ? v[0]! : v[k]!);
        return out;
      };
      return { read, scalar: a.scalar && b.scalar, latents: union(a, b) };
    }
    case 'dot': {
      const a = expressionReader(ctx, e.left);
      const b = expressionReader(ctx, e.right);
      const read: Reader = (i, s) => {
        const u = a.read(i, s);
        const v = b.read(i, s);
        let total = 0;
        for (let k = 0; k < u.length; k++) total += u[k]! * v[k]!;
        return Float64Array.of(total);
      };
      return { read, scalar: true, latents: union(a, b) };
    }
    case 'sum': {
      const x = expressionReader(ctx, e.operand);
      return {
        read: (i, s) => Float64Array.of(x.read(i, s).reduce((t, v) => t + v, 0)),
        scalar: true,
        latents: x.latents,
      };
    }
    case 'softmax': {
      const x = expressionReader(ctx, e.operand);
      const read: Reader = (i, s) => {
        const v = x.read(i, s);
        const top = Math.max(...v);
        const w = v.map((t) => Math.exp(t - top));
        const total = w.reduce((t, u) => t + u, 0);
        return w.map((u) => u / total);
      };
      return { read, scalar: false, latents: x.latents };
    }
    case 'vector': {
      const parts = e.elements.map((el) => expressionReader(ctx, el));
      return {
        read: (i, s) => Float64Array.from(parts, (p) => p.read(i, s)[0]!),
        scalar: false,
        latents: union(...parts),
      };
    }
  }
}

/** The entries of one item of a data variable (its element shape). */
export function itemSizeOf(v: DataVariableSchema, sizes: Readonly<Record<string, number>>): number {
  return product(v.shape.map((d) => dimOf(d, sizes)));
}

function prepareFactor(ctx: Context, spec: FitFactor): PreparedFactor {
  const family = findDistribution(spec.family);
  if (!family) throw new Error(`unknown distribution ${spec.family}`);
  const args = spec.args.map((a) => readerOf(ctx, a.source));
  const needsData = spec.args.flatMap((a) =>
    a.source.kind === 'data' &&
    ctx.data[a.source.name]?.atItem === true &&
    sampledVariables(ctx.program).has(a.source.name)
      ? [a.source.name]
      : [],
  );
  const base = {
    spec,
    sample: family.numerics.sample,
    elementwise: family.elementwise,
    readers: args.map((a) => a.read),
    scalar: args.map((a) => a.scalar),
    needsLatents: [...new Set(args.flatMap((a) => a.latents))],
    needsData,
  };
  if (spec.child.kind === 'state') return { ...base, drawsLatent: latentIndex(ctx, spec.child.latent) };
  if (spec.child.kind !== 'data' || !spec.child.atItem) throw new Error(`cannot draw '${spec.text}'`);
  const name = spec.child.name;
  const schema = ctx.schema.data.find((v) => v.name === name);
  if (!schema) throw new Error(`no data declaration for ${name}`);
  return { ...base, drawsData: { name, size: itemSizeOf(schema, ctx.sizes) } };
}

/** Orders the factors so that each runs after the latents and data it reads (`given` latents are set by the caller). */
function ancestralOrder(factors: readonly PreparedFactor[], given: readonly number[] = []): PreparedFactor[] {
  const order: PreparedFactor[] = [];
  const latents = new Set<number>(given);
  const data = new Set<string>();
  const left = [...factors];
  while (left.length > 0) {
    const k = left.findIndex(
      (f) => f.needsLatents.every((j) => latents.has(j)) && f.needsData.every((d) => data.has(d)),
    );
    if (k < 0) throw new SampleError([`cannot order '${left[0]!.spec.text}': its arguments depend on each other`]);
    const [f] = left.splice(k, 1) as [PreparedFactor];
    if (f.drawsLatent !== undefined) latents.add(f.drawsLatent);
    if (f.drawsData) data.add(f.drawsData.name);
    order.push(f);
  }
  return order;
}

function argValue(x: Float64Array, scalar: boolean, j: number | undefined): NumericValue {
  if (j !== undefined) return x.length === 1 ? x[0]! : x[j]!;
  return scalar ? x[0]! : x;
}

/** One draw of a factor's child into `out` (the item's entries of a variable, or one cell). */
function drawFactor(f: PreparedFactor, rng: RandomStream, i: number, states: Int32Array, out: Float64Array): void {
  const raw = f.readers.map((read) => read(i, states));
  if (f.elementwise && out.length > 1) {
    for (let j = 0; j < out.length; j++) {
      out[j] = f.sample(
        rng,
        raw.map((x, a) => argValue(x, f.scalar[a]!, j)),
      ) as number;
    }
    return;
  }
  const params = raw.map((x, a) => argValue(x, f.scalar[a]!, undefined));
  const x = f.sample(rng, params, out.length > 1 ? out : undefined);
  if (typeof x === 'number') out[0] = x;
  else if (x !== out) out.set(x);
}

/** Sizes from overrides, then params, then inputs, then declared defaults. */
function resolveSampleSizes(
  program: FitProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions,
): { sizes: Record<string, number>; flat: Record<string, Float64Array> } {
  const sizes: Record<string, number> = { ...(options.sizes ?? {}) };
  const flat = checkSampleParams(program, params, sizes);
  for (const [name, v] of Object.entries(options.inputs?.sizes ?? {})) sizes[name] ??= v;
  for (const s of schema.sizes) if (s.default !== undefined) sizes[s.name] ??= s.default;
  return { sizes, flat };
}

/** Drawn and input data of a sample, flat, by data name (`atItem`: `itemSize` entries per item). */
export type SampleData = Record<string, { values: Float64Array; itemSize: number; atItem: boolean }>;

/**
 * A program's factors ready to draw item by item: `draw(rng, i, states)` draws item i's latents
 * (those not `given`) into `states`, then its data into `data`, in ancestral order. The mixture
 * sampler below draws every latent; the chain sampler (chain/sample-chain.ts) sets the chain's
 * state itself and draws the emissions and the other per-step latents with this.
 */
export function prepareItemDraws(
  program: FitProgram,
  schema: DataSchema,
  sizes: Readonly<Record<string, number>>,
  params: Readonly<Record<string, Float64Array>>,
  data: SampleData,
  given: readonly string[] = [],
): (rng: RandomStream, i: number, states: Int32Array) => void {
  const latentStates = program.latents.map((l) => dimOf(l.states, sizes));
  const ctx: Context = { program, sizes, params, schema, latentStates, data };
  const factors = ancestralOrder(
    program.factors.map((f) => prepareFactor(ctx, f)),
    given.map((name) => latentIndex(ctx, name)),
  );
  const cell = new Float64Array(1);
  return (rng, i, states) => {
    for (const f of factors) {
      if (f.drawsLatent !== undefined) {
        drawFactor(f, rng, i, states, cell);
        states[f.drawsLatent] = cell[0]!;
      } else if (f.drawsData) {
        const v = data[f.drawsData.name]!;
        drawFactor(f, rng, i, states, v.values.subarray(i * v.itemSize, (i + 1) * v.itemSize));
      }
    }
  };
}

/**
 * Draws one data set of `sizes[plate]` items from the program with `params` (nested arrays in
 * the declared shapes, as in a fit result). Throws a SampleError for params or sizes that do
 * not fit the model.
 */
export function sampleProgram(
  program: FitProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): SampleResult {
  const { sizes, flat } = resolveSampleSizes(program, schema, params, options);
  const n = dimOf(program.plate.size, sizes);
  const drawn = sampledVariables(program);
  const data: SampleData = {};
  for (const v of schema.data) {
    if (drawn.has(v.name)) {
      const itemSize = itemSizeOf(v, sizes);
      data[v.name] = { values: new Float64Array(n * itemSize), itemSize, atItem: true };
    } else {
      const bound = options.inputs?.variables[v.name];
      if (bound)
        data[v.name] = { values: bound.values, itemSize: bound.itemSize, atItem: v.dims[0] === program.plate.size };
    }
  }
  const draw = prepareItemDraws(program, schema, sizes, flat, data);
  const rng = RandomStream.fromSeed(options.seed ?? 1);
  const states = new Int32Array(program.latents.length);
  const latentValues = program.latents.map(() => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    draw(rng, i, states);
    for (let j = 0; j < states.length; j++) latentValues[j]![i] = states[j]!;
  }
  const out: Record<string, ParamValue> = {};
  for (const v of schema.data) {
    const d = data[v.name];
    if (!d) continue;
    const shape = drawn.has(v.name)
      ? [n, ...v.shape.map((e) => dimOf(e, sizes))]
      : (options.inputs?.variables[v.name]?.shape ?? []);
    out[v.name] = nestValues(d.values, shape);
  }
  const latents = Object.fromEntries(program.latents.map((l, j) => [l.name, latentValues[j]!]));
  return { sizes, data: out, latents };
}

/**
 * The data set as JSON text in the binder's format: one key per data name, an item's entries on
 * one line. Numbers print in the shortest form that parses back to the same double.
 */
export function formatSampleJson(data: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(data).map(([name, value]) => {
    const key = JSON.stringify(name);
    if (Array.isArray(value) && value.length > 0) {
      return `  ${key}: [\n${value.map((row) => `    ${JSON.stringify(row)}`).join(',\n')}\n  ]`;
    }
    return `  ${key}: ${JSON.stringify(value)}`;
  });
  return `{\n${entries.join(',\n')}\n}\n`;
}
