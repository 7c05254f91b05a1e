/**
 * Lowers expression arguments (`logistic(dot(X[n], beta[z[n]]))`, `[0.5 + theta / 4, …]`) to
 * code: each argument's values at the live params are computed into its `Work` buffer, per joint
 * state and item where it depends on them, at the top of the E-step and of every numeric
 * objective — the generated twin of the runtime's tape `forward` (numeric/tape.ts): the same
 * operations on the same operands (a dot product summed from 0 in index order, the runtime's
 * stable `logistic` and `softplus`), so the values are the same bits. Also the local functions
 * those expressions call.
 */
import type { NumericExpr } from '@emforge/runtime';
import type { Code, FunctionStructure } from './fitter-source.js';
import { scalarExpression } from './lower-constants.js';
import { stateLoops } from './lower-mixture-e-step.js';
import { argEntry, CodegenUnsupported, dim, product, sum, type View } from './mixture-context.js';
import { bufferView, type ExpressionArg, leafView, type NumericContext, sizeOf } from './numeric-context.js';

/** The runtime's elementwise functions of a NumericExpr, as code around an operand. */
function unaryCode(nctx: NumericContext, op: Extract<NumericExpr, { kind: 'unary' }>['op'], x: string): string {
  switch (op) {
    case 'neg':
      return `-${x}`;
    case 'exp':
    case 'log':
    case 'sqrt':
    case 'log1p':
      return `Math.${op}(${x})`;
    case 'logistic':
    case 'softplus':
      nctx.locals.add(op);
      return `${op}(${x})`;
  }
}

const wrap = (e: string) => (/^[\w.[\]!]+$/.test(e) ? e : `(${e})`);

/**
 * Entry j of an expression node for item n (latent loop variables in scope): statements to run
 * first (a dot product's loop) and the value, an expression of numbers.
 */
export function entryCode(
  nctx: NumericContext,
  e: NumericExpr,
  j: string,
  temps: { count: number },
): { pre: Code[]; value: string } {
  const ctx = nctx.mix;
  switch (e.kind) {
    case 'constant':
      return { pre: [], value: scalarExpression(e.value) };
    case 'param':
    case 'data':
      return { pre: [], value: argEntry(leafView(ctx, e), 'n', j) };
    case 'unary': {
      const a = entryCode(nctx, e.operand, j, temps);
      return { pre: a.pre, value: unaryCode(nctx, e.op, e.op === 'neg' ? wrap(a.value) : a.value) };
    }
    case 'binary': {
      const a = entryCode(nctx, e.left, sizeOf(ctx, e.left) === '1' ? '0' : j, temps);
      const b = entryCode(nctx, e.right, sizeOf(ctx, e.right) === '1' ? '0' : j, temps);
      const op = e.op === '^' ? '**' : e.op;
      return { pre: [...a.pre, ...b.pre], value: `${wrap(a.value)} ${op} ${wrap(b.value)}` };
    }
    case 'dot': {
      // dot(a, b) of two rows, summed from 0 in index order (the tape's and the sampler's order).
      if ((e.left.kind !== 'param' && e.left.kind !== 'data') || (e.right.kind !== 'param' && e.right.kind !== 'data'))
        throw new CodegenUnsupported('a dot product of computed vectors');
      const start = (v: View) => sum([v.offset, v.step === '0' ? '0' : product(['n', v.step])]);
      const a = leafView(ctx, e.left);
      const b = leafView(ctx, e.right);
      nctx.locals.add('dot');
      return { pre: [], value: `dot(${a.array}, ${start(a)}, ${b.array}, ${start(b)}, ${a.size})` };
    }
    case 'vector': {
      if (!/^\d+$/.test(j)) throw new CodegenUnsupported('a vector literal read entry by entry');
      const element = e.elements[Number(j)];
      if (!element) throw new CodegenUnsupported(`entry ${j} of a vector literal`);
      return entryCode(nctx, element, '0', temps);
    }
    case 'sum':
    case 'softmax':
      throw new CodegenUnsupported(`${e.kind}(…) in an expression argument`);
  }
}

/** Fills one expression argument's buffer at the live params (per joint state and item as it depends). */
export function fillCode(nctx: NumericContext, a: ExpressionArg): Code[] {
  const ctx = nctx.mix;
  const view = bufferView(nctx, a);
  const plate = dim(ctx.program.plate.size);
  const f = ctx.program.factors[a.factor]!;
  const base = [view.offset, view.step === '0' ? '0' : product(['n', view.step])].filter((x) => x !== '0');
  const at = (j: string) => `${a.buffer}[${[...base, ...(j === '0' ? [] : [j])].join(' + ') || '0'}]`;
  let body: Code[];
  if (a.expr.kind === 'vector') {
    body = a.expr.elements.flatMap((_, k) => {
      const { pre, value } = entryCode(nctx, a.expr, String(k), { count: 0 });
      return [...pre, `${at(String(k))} = ${value};`];
    });
  } else if (a.size === '1') {
    const { pre, value } = entryCode(nctx, a.expr, '0', { count: 0 });
    body = [...pre, `${at('0')} = ${value};`];
  } else {
    const { pre, value } = entryCode(nctx, a.expr, 'j', { count: 0 });
    body = [`for (let j = 0; j < ${a.size}; j++) {`, [...pre, `${at('j')} = ${value};`], '}'];
  }
  if (a.perItem) body = [`for (let n = 0; n < ${plate}; n++) {`, body, '}'];
  if (a.perState) body = stateLoops(ctx, body);
  return [`// ${f.args[a.arg]!.name} of ${f.text}`, ...body];
}

/** Every expression argument of the factors `which` (all by default) at the live params. */
export function fillAll(nctx: NumericContext, which?: ReadonlySet<number>): Code[] {
  return nctx.args.filter((a) => !which || which.has(a.factor)).flatMap((a) => fillCode(nctx, a));
}

/** The local functions the expressions call (the runtime's numerically stable forms). */
export function localFunctions(nctx: NumericContext): FunctionStructure[] {
  const out: FunctionStructure[] = [];
  if (nctx.locals.has('dot'))
    out.push({
      kind: 'function',
      name: 'dot',
      docs: ['Σ_j a[aOffset + j] · b[bOffset + j], summed from 0 in index order.'],
      parameters: [
        { name: 'a', type: 'Float64Array' },
        { name: 'aOffset', type: 'number' },
        { name: 'b', type: 'Float64Array' },
        { name: 'bOffset', type: 'number' },
        { name: 'size', type: 'number' },
      ],
      returnType: 'number',
      statements: ['let s = 0;', 'for (let j = 0; j < size; j++) s += a[aOffset + j]! * b[bOffset + j]!;', 'return s;'],
    });
  if (nctx.locals.has('logistic'))
    out.push({
      kind: 'function',
      name: 'logistic',
      docs: ['1 / (1 + e^−x), without overflow (as numeric/tape.ts).'],
      parameters: [{ name: 'x', type: 'number' }],
      returnType: 'number',
      statements: ['return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));'],
    });
  if (nctx.locals.has('softplus'))
    out.push({
      kind: 'function',
      name: 'softplus',
      docs: ['log(1 + e^x), without overflow (as numeric/tape.ts).'],
      parameters: [{ name: 'x', type: 'number' }],
      returnType: 'number',
      statements: ['return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));'],
    });
  return out;
}

/** An expression argument read in place (for `sample`, which has no work buffers): a scalar, or a vector literal made per item. */
export function inlineView(nctx: NumericContext, a: ExpressionArg): View {
  if (a.size === '1') {
    const { value } = entryCode(nctx, a.expr, '0', { count: 0 });
    return { scalar: value, array: '', offset: '0', step: '0', size: '1' };
  }
  if (a.expr.kind !== 'vector') throw new CodegenUnsupported(`sampling with the expression '${a.text}'`);
  const values = a.expr.elements.map((_, k) => entryCode(nctx, a.expr, String(k), { count: 0 }).value);
  return { array: `Float64Array.of(${values.join(', ')})`, offset: '0', step: '0', size: a.size };
}
