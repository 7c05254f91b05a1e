/**
 * What the `lower-numeric-*.ts` files share while generating the expression arguments and the
 * numeric M-step of a mixture fitter (the runtime's numeric/ for this model): the expression
 * arguments found in the factors — each a `Work` buffer the E-step fills per joint state (when a
 * latent selects one of its leaves) and per item (when it reads a data row) — and the sizes of
 * expression nodes. `attachNumeric` hands the hooks to the mixture lowering (mixture-context.ts
 * `NumericHooks`); a model without expressions and numeric params gets none.
 */
import { type FitProgram, type NumericExpr, numericRule, type ValueSource } from '@emforge/runtime';
import { scalarExpression } from './lower-constants.js';
import {
  addWork,
  CodegenUnsupported,
  dataNamed,
  dim,
  jointState,
  type MixtureContext,
  paramNamed,
  pascalCase,
  product,
  type View,
  viewOf,
} from './mixture-context.js';

/** One expression argument of a factor, and where its values live. */
export interface ExpressionArg {
  readonly factor: number;
  readonly arg: number;
  readonly expr: NumericExpr;
  readonly text: string;
  /** The work buffer: [S?][N?][size]. */
  readonly buffer: string;
  /** Entries per item (and state). */
  readonly size: string;
  /** True when a latent selects one of its leaves (a value per joint state). */
  readonly perState: boolean;
  /** True when it reads a data row at the item (a value per item). */
  readonly perItem: boolean;
}

export interface NumericContext {
  readonly mix: MixtureContext;
  readonly args: ExpressionArg[];
  /** Local functions the generated code calls (`logistic`, `softplus`). */
  readonly locals: Set<string>;
}

type ExpressionSource = Extract<ValueSource, { kind: 'expression' }>;

/** Whether an expression reads a data row at the item, and whether a latent selects a leaf. */
export function dependence(e: NumericExpr): { perItem: boolean; perState: boolean } {
  switch (e.kind) {
    case 'constant':
      return { perItem: false, perState: false };
    case 'param':
      return { perItem: false, perState: e.selectors.length > 0 };
    case 'data':
      return { perItem: e.atItem, perState: e.selectors.length > 0 };
    case 'unary':
    case 'sum':
    case 'softmax':
      return dependence(e.operand);
    case 'binary':
    case 'dot': {
      const a = dependence(e.left);
      const b = dependence(e.right);
      return { perItem: a.perItem || b.perItem, perState: a.perState || b.perState };
    }
    case 'vector': {
      const parts = e.elements.map(dependence);
      return { perItem: parts.some((p) => p.perItem), perState: parts.some((p) => p.perState) };
    }
  }
}

/** The view of a leaf (a param or data value source). */
export function leafView(ctx: MixtureContext, e: Extract<NumericExpr, { kind: 'param' | 'data' }>): View {
  return e.kind === 'param'
    ? viewOf(ctx, { kind: 'param', name: e.name, selectors: e.selectors })
    : viewOf(ctx, { kind: 'data', name: e.name, atItem: e.atItem, selectors: e.selectors });
}

/** The number of entries of an expression node, as an expression ('1' for a scalar). */
export function sizeOf(ctx: MixtureContext, e: NumericExpr): string {
  switch (e.kind) {
    case 'constant':
      scalarExpression(e.value);
      return '1';
    case 'param':
    case 'data':
      return leafView(ctx, e).size;
    case 'unary':
      return sizeOf(ctx, e.operand);
    case 'binary': {
      const a = sizeOf(ctx, e.left);
      const b = sizeOf(ctx, e.right);
      if (a !== b && a !== '1' && b !== '1') throw new CodegenUnsupported(`'${e.op}' of values of sizes ${a} and ${b}`);
      return a === '1' ? b : a;
    }
    case 'dot':
    case 'sum':
      return '1';
    case 'softmax':
      return sizeOf(ctx, e.operand);
    case 'vector':
      return String(e.elements.length);
  }
}

/** The expression arguments of the program's factors, each with its buffer. */
function expressionArgs(ctx: MixtureContext): ExpressionArg[] {
  const out: ExpressionArg[] = [];
  for (const [fi, f] of ctx.program.factors.entries()) {
    for (const [ai, a] of f.args.entries()) {
      if (a.source.kind !== 'expression') continue;
      const child = f.child.kind === 'data' ? f.child.name : f.child.kind === 'state' ? f.child.latent : 'value';
      const { perItem, perState } = dependence(a.source.expr);
      const size = sizeOf(ctx, a.source.expr);
      const buffer = `${a.name}${pascalCase(child)}`;
      const plate = dim(ctx.program.plate.size);
      const shape = [...(perState ? ['S'] : []), ...(perItem ? [ctx.program.plate.size] : []), size].join(', ');
      addWork(ctx, {
        name: buffer,
        docs: `shape [${shape}]: ${a.name} of '${f.text}', the expression '${a.source.text}' at the live params`,
        type: 'Float64Array',
        size: product([...(perState ? [ctx.S] : []), ...(perItem ? [plate] : []), size]),
      });
      out.push({ factor: fi, arg: ai, expr: a.source.expr, text: a.source.text, buffer, size, perState, perItem });
    }
  }
  return out;
}

/** The expression argument of a value source (by identity in the program). */
export function argOf(nctx: NumericContext, source: ExpressionSource): ExpressionArg {
  const found = nctx.args.find((a) => nctx.mix.program.factors[a.factor]!.args[a.arg]!.source === source);
  if (!found) throw new CodegenUnsupported(`the expression argument '${source.text}'`);
  return found;
}

/** The view of an expression argument's buffer: `pY[z * N * P + n * P + j]`. */
export function bufferView(nctx: NumericContext, a: ExpressionArg): View {
  const plate = dim(nctx.mix.program.plate.size);
  const block = product([...(a.perItem ? [plate] : []), a.size]);
  const s = jointState(nctx.mix);
  return {
    array: a.buffer,
    offset: a.perState && s !== '0' ? product([s, block]) : '0',
    step: a.perItem ? a.size : '0',
    size: a.size,
  };
}

/** The `numeric` params of the program. */
export function numericParams(program: FitProgram) {
  return program.params.filter((p) => p.rule === numericRule);
}

export function makeNumericContext(mix: MixtureContext): NumericContext {
  return { mix, args: expressionArgs(mix), locals: new Set() };
}

/** `paramNamed` and `dataNamed`, re-exported for the numeric files. */
export { dataNamed, paramNamed };
