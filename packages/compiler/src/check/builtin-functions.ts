/**
 * The built-in functions of the model language, one table row each: name, parameter names
 * (for arity messages) and how the result's type follows from the arguments'. Adding a
 * function is one row here.
 */
import { type ArgumentNeed, type CallExpr, type Expr, checkMessages as m } from '@emforge/dsl';
import type { CheckContext } from './check-context.js';
import { exprText } from './expr-text.js';
import {
  expInterval,
  type Interval,
  interval,
  logInterval,
  logisticInterval,
  multiply,
  point,
  sqrtInterval,
  sumOfCount,
  sumOfUnknownCount,
  unitInterval,
} from './interval.js';
import { type Dim, dimsMatch, formatDim, formatType, type ValueType } from './value-type.js';

export interface CallInfo {
  readonly call: CallExpr;
  /** The argument types, all known (a call with an unknown argument is not typed). */
  readonly args: readonly ValueType[];
  readonly ctx: CheckContext;
  /** The dimension an argument denotes (`L` in `zeros(L)`), or undefined when it is no size. */
  readonly dimensionOf: (e: Expr) => Dim | undefined;
}

export interface BuiltinFunction {
  readonly name: string;
  readonly params: readonly string[];
  readonly description: string;
  /** The result type, or undefined after reporting a problem with the arguments. */
  readonly result: (c: CallInfo) => ValueType | undefined;
}

function argText(c: CallInfo, i: number): string {
  const e = c.call.args[i];
  return e ? exprText(e) : '';
}

function reportArgument(c: CallInfo, i: number, need: ArgumentNeed): undefined {
  const e = c.call.args[i];
  const t = c.args[i];
  const fn = builtinFunctions.get(c.call.callee.name);
  if (e && t && fn) {
    c.ctx.report(m.functionArgument, e.span, {
      fn: fn.name,
      arg: exprText(e),
      got: formatType(t),
      need,
      signature: fn.params.join(', '),
      description: fn.description,
    });
  }
  return undefined;
}

/** A function applied to every entry: same shape, mapped range. */
function elementwise(name: string, description: string, map: (a: Interval) => Interval): BuiltinFunction {
  return {
    name,
    params: ['x'],
    description,
    result: (c) => {
      const x = c.args[0] as ValueType;
      return { shape: x.shape, range: map(x.range), integer: false, fixed: x.fixed };
    },
  };
}

/** zeros, ones: a vector of the length given by a size. */
function constantVector(name: string, value: number): BuiltinFunction {
  return {
    name,
    params: ['L'],
    description: `a vector of ${value}s of length L`,
    result: (c) => {
      const d = c.dimensionOf(c.call.args[0] as Expr);
      if (!d) return reportArgument(c, 0, { kind: 'size' });
      return { shape: [d], range: point(value), integer: false, fixed: true };
    },
  };
}

const table: readonly BuiltinFunction[] = [
  elementwise('exp', 'e to the power x, elementwise', expInterval),
  elementwise('log', 'natural logarithm, elementwise', logInterval),
  elementwise('sqrt', 'square root, elementwise', sqrtInterval),
  elementwise('logistic', '1 / (1 + exp(-x)), elementwise', logisticInterval),
  {
    name: 'softmax',
    params: ['v'],
    description: 'exp(v) normalised to sum to 1: a simplex',
    result: (c) => {
      const v = c.args[0] as ValueType;
      if (v.shape.length !== 1) return reportArgument(c, 0, { kind: 'vector' });
      return {
        shape: v.shape,
        range: interval(0, 1, false, true),
        integer: false,
        structure: 'simplex',
        fixed: v.fixed,
      };
    },
  },
  {
    name: 'sum',
    params: ['v'],
    description: 'the sum of all entries',
    result: (c) => {
      const v = c.args[0] as ValueType;
      if (v.shape.length === 0) return reportArgument(c, 0, { kind: 'array' });
      const [first] = v.shape;
      const range =
        v.shape.length === 1 && first?.kind === 'const' ? sumOfCount(v.range, first.value) : sumOfUnknownCount(v.range);
      return { shape: [], range, integer: v.integer, fixed: v.fixed };
    },
  },
  {
    name: 'dot',
    params: ['a', 'b'],
    description: 'the inner product of two vectors of the same length',
    result: (c) => {
      const [a, b] = c.args as [ValueType, ValueType];
      if (a.shape.length !== 1) return reportArgument(c, 0, { kind: 'vector' });
      const length = a.shape[0] as Dim;
      if (b.shape.length !== 1 || !dimsMatch(length, b.shape[0] as Dim, c.ctx.sizeDefault)) {
        return reportArgument(c, 1, { kind: 'length', length: formatDim(length), like: argText(c, 0) });
      }
      const range =
        length.kind === 'const'
          ? sumOfCount(multiply(a.range, b.range), length.value)
          : sumOfUnknownCount(multiply(a.range, b.range));
      return { shape: [], range, integer: a.integer && b.integer, fixed: a.fixed && b.fixed };
    },
  },
  constantVector('zeros', 0),
  constantVector('ones', 1),
  {
    name: 'eye',
    params: ['L'],
    description: 'the L×L identity matrix (a covariance)',
    result: (c) => {
      const d = c.dimensionOf(c.call.args[0] as Expr);
      if (!d) return reportArgument(c, 0, { kind: 'size' });
      return { shape: [d, d], range: unitInterval, integer: false, structure: 'cov', fixed: true };
    },
  },
];

export const builtinFunctions: ReadonlyMap<string, BuiltinFunction> = new Map(table.map((f) => [f.name, f]));
