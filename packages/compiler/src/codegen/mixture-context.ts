/**
 * What every `lower-mixture-*.ts` file shares while generating a fitter for a `FitProgram`: the
 * model's names as TypeScript identifiers, sizes as expressions, the latents' loop variables
 * and the joint-state index, and `View`s — where a factor's child or argument lives in the flat
 * arrays (`mu[z * D + j]`), the generation-time twin of the runtime's `ArgView` (kernels/arg-view.ts).
 * Anything the generator cannot print is thrown as `CodegenUnsupported` and becomes one E5001.
 */

import type { DataSchema, DataVariableSchema, DimEntry, FitParam, FitProgram, ValueSource } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code, FunctionStructure } from './fitter-source.js';

/** Thrown inside codegen only, caught by `emitFitter`: the first obstacle found. */
export class CodegenUnsupported {
  constructor(readonly why: string) {}
}

/** Names a generated fitter uses for itself; a model name equal to one of them gets a trailing `_`. */
const reserved = new Set([
  ...'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await'.split(
    ' ',
  ),
  ...'Math Number Float64Array Uint8Array Array Object Error Set Map WeakMap Infinity NaN undefined JSON String'.split(
    ' ',
  ),
  ...'bound params work ctx settings resp S n j m lp e total weight counts scratch wn sx sw st row max sum item empty value who mean chol logDet ok vec entropy s k c d pooled collapse variances singular all pseudo sa slog sy once wn L t i q xv yv shapeHat rateHat meanY EMPTY elementWeight NEG_INF LOG_2PI sampled state drawn logLik objective nParams free given fixed live method seeds share best dist next previous r g x0'.split(
    ' ',
  ),
]);

/** One latent, enumerated by a loop variable named after it (`for (let z = 0; z < K; z++)`). */
export interface LatentLoop {
  readonly name: string;
  readonly loopVar: string;
  /** Its number of states, as an expression (`K`). */
  readonly states: string;
  /** The size name, when the states are a named size (for messages: "lower K"). */
  readonly sizeName?: string;
}

/** Where a value lives: `array[offset + n * step + j]`, `size` entries per item. */
export interface View {
  /** A scalar value the same for every item and entry (a constant number): used as is. */
  readonly scalar?: string;
  readonly array: string;
  /** May refer to latent loop variables. */
  readonly offset: string;
  /** '0' when the value does not depend on the item. */
  readonly step: string;
  readonly size: string;
}

export interface MixtureContext {
  readonly program: FitProgram;
  readonly schema: DataSchema;
  readonly plan: InferencePlan;
  readonly source: string;
  /** The model's name in PascalCase: `OldFaithfulGmm`. */
  readonly typePrefix: string;
  readonly latents: readonly LatentLoop[];
  /** The number of joint states (`K`, `A * A`). */
  readonly S: string;
  /** Runtime helpers the fitter needs (imported, or inlined by --standalone). */
  readonly helpers: Set<string>;
  /** Buffers of one fit (the `Work` interface), allocated once by `allocateWork`. */
  readonly work: WorkBuffer[];
  /** Expression arguments and `numeric` params (lower-numeric-*.ts), when the model has them. */
  numeric?: NumericHooks;
  /**
   * Set when `emforge fit` runs the model on a specialised executor (runtime fast/ or
   * chain/fast-chain*.ts) and the fitter drives it too: `fit` takes that path unless
   * `options.specialise` is false.
   */
  specialised?: string;
}

/** What the numeric lowering (lower-numeric-*.ts) adds to a mixture fitter. */
export interface NumericHooks {
  /** The view of an expression argument: a work buffer the E-step fills per state (and item). */
  view(source: Extract<ValueSource, { kind: 'expression' }>): View;
  /** Statements at the top of the E-step: every expression argument at the live params. */
  eStepSetup(): Code[];
  /** Statements at the top of `initialize`: the numeric params' start values of a run. */
  initialize(): Code[];
  /** The numeric update functions, and the statements that call them after the closed-form updates. */
  mStep(): { functions: FunctionStructure[]; calls: Code[] };
  /** Set while `sample` is lowered: expression arguments are read in place (it has no work buffers). */
  sampling?: boolean;
}

/** One buffer of `Work`: a Float64Array (or Uint8Array) of `size` entries, or a computed constant. */
export interface WorkBuffer {
  readonly name: string;
  readonly docs: string;
  readonly type: 'Float64Array' | 'Uint8Array';
  /** The entries, or the initialiser when `init` is given. */
  readonly size: string;
  /** An expression of `bound` (its sizes destructured) computing the buffer once. */
  readonly init?: string;
}

/** Registers a work buffer once (by name) and returns its name. */
export function addWork(ctx: MixtureContext, buffer: WorkBuffer): string {
  if (!ctx.work.some((w) => w.name === buffer.name)) ctx.work.push(buffer);
  return buffer.name;
}

/** `old_faithful_gmm` → `OldFaithfulGmm`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A model name as an identifier that cannot clash with the fitter's own names. */
export function id(name: string): string {
  return reserved.has(name) ? `${name}_` : name;
}

export function dim(d: DimEntry): string {
  return typeof d === 'number' ? String(d) : id(d);
}

/** a · b · …, dropping ones; '1' for nothing. */
export function product(parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== '1');
  if (kept.length === 0) return '1';
  return kept.map((p) => (/^[\w.]+$/.test(p) ? p : `(${p})`)).join(' * ');
}

/** a + b + …, dropping zeros; '0' for nothing. */
export function sum(parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== '0');
  return kept.length === 0 ? '0' : kept.join(' + ');
}

export function dims(ds: readonly DimEntry[]): string {
  return product(ds.map(dim));
}

/** Registers a runtime helper and returns its name. */
export function use(ctx: MixtureContext, helper: string): string {
  ctx.helpers.add(helper);
  return helper;
}

export function makeMixtureContext(
  program: FitProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): MixtureContext {
  const latents = program.latents.map((l) => ({
    name: l.name,
    loopVar: id(l.name),
    states: dim(l.states),
    ...(typeof l.states === 'string' ? { sizeName: l.states } : {}),
  }));
  return {
    program,
    schema,
    plan,
    source,
    typePrefix: pascalCase(program.model),
    latents,
    S: product(latents.map((l) => l.states)),
    helpers: new Set(),
    work: [],
  };
}

/** The joint state of the latents' loop variables, row-major (the first latent slowest). */
export function jointState(ctx: MixtureContext): string {
  let s = '';
  for (const l of ctx.latents)
    s = s === '' ? l.loopVar : `${/[+]/.test(s) ? `(${s})` : s} * ${l.states} + ${l.loopVar}`;
  return s === '' ? '0' : s;
}

/** The element chosen by `selectors` from their loop variables, row-major. */
export function elementIndex(ctx: MixtureContext, selectors: readonly string[]): string {
  let e = '';
  for (const name of selectors) {
    const l = latentNamed(ctx, name);
    e = e === '' ? l.loopVar : `${/[+]/.test(e) ? `(${e})` : e} * ${l.states} + ${l.loopVar}`;
  }
  return e === '' ? '0' : e;
}

export function latentNamed(ctx: MixtureContext, name: string): LatentLoop {
  const l = ctx.latents.find((x) => x.name === name);
  if (!l) throw new CodegenUnsupported(`'${name}' selects an element but is not a latent of the item`);
  return l;
}

export function paramNamed(ctx: MixtureContext, name: string): FitParam {
  const p = ctx.program.params.find((q) => q.name === name);
  if (!p) throw new CodegenUnsupported(`'${name}' is not a param`);
  return p;
}

export function dataNamed(ctx: MixtureContext, name: string): DataVariableSchema {
  const v = ctx.schema.data.find((d) => d.name === name);
  if (!v) throw new CodegenUnsupported(`'${name}' is not a data variable`);
  return v;
}

/** `offset * size` with the obvious simplifications. */
function scaled(index: string, size: string): string {
  if (index === '0') return '0';
  return product([index, size]);
}

/** The view of a value source; constants are bound once into `b.constants[k]` by the caller. */
export function viewOf(ctx: MixtureContext, source: ValueSource, constantName?: string): View {
  switch (source.kind) {
    case 'param': {
      const p = paramNamed(ctx, source.name);
      // Selectors choose the leading dims; the rest (inner-loop dims) and the element are read whole.
      const size = product([...p.dims.slice(source.selectors.length), ...p.shape].map(dim));
      return { array: id(p.name), offset: scaled(elementIndex(ctx, source.selectors), size), step: '0', size };
    }
    case 'data': {
      const v = dataNamed(ctx, source.name);
      const full = [...v.dims, ...v.shape];
      if (source.atItem) {
        const row = product(full.slice(1).map(dim));
        return { array: id(v.name), offset: '0', step: row, size: row };
      }
      const size = product(full.slice(source.selectors.length).map(dim));
      return { array: id(v.name), offset: scaled(elementIndex(ctx, source.selectors), size), step: '0', size };
    }
    case 'constant':
      if (!constantName) throw new CodegenUnsupported('a constant argument here');
      return { array: constantName, offset: '0', step: '0', size: `${constantName}.length` };
    case 'state':
      throw new CodegenUnsupported('a latent state as an argument');
    case 'expression':
      if (ctx.numeric) return ctx.numeric.view(source);
      throw new CodegenUnsupported(`the expression argument '${source.text}'`);
  }
}

/** Entry `j` of a view for item `n` (j = '0' for a scalar), e.g. `x[n * D + j]!`. */
export function entry(v: View, n: string, j: string): string {
  if (v.scalar !== undefined) return v.scalar;
  const at = sum([v.offset, v.step === '0' ? '0' : product([n, v.step]), j]);
  return `${v.array}[${at}]!`;
}

/** Entry j of an argument, broadcasting a one-entry argument over the child's entries. */
export function argEntry(v: View, n: string, j: string): string {
  return entry(v, n, v.size === '1' ? '0' : j);
}

/** Flattens code to one string, for scanning. */
function codeText(code: readonly Code[]): string {
  return code.map((c) => (typeof c === 'string' ? c : codeText(c))).join('\n');
}

/** `const { resp, cholSigma } = work;`: the buffers `body` names (besides constants, read as `work.name`). */
export function destructureWork(ctx: MixtureContext, body: readonly Code[], always: readonly string[] = []): string[] {
  const text = codeText(body);
  const used = [
    ...always,
    ...['resp', ...ctx.work.filter((w) => w.init === undefined).map((w) => w.name)].filter(
      (name) => !always.includes(name) && new RegExp(`(?<![.\\w])${name}\\b`).test(text),
    ),
  ];
  return used.length === 0 ? [] : [`const { ${used.join(', ')} } = work;`];
}
