/**
 * Types of `+ - * / ^` and unary minus. Shapes: elementwise between equal shapes or between
 * an array and a scalar; `*` of a matrix and a vector (or two matrices) is the matrix
 * product with its inner dimensions checked. Ranges follow interval arithmetic, so
 * `(1 - theta) / 4` with `theta: prob` is known to lie in [0, 0.25]. A covariance stays a
 * covariance when scaled by a positive scalar or added to another covariance.
 */
import { type BinaryExpr, checkMessages as m, type UnaryExpr } from '@emforge/dsl';
import type { CheckContext } from './check-context.js';
import { exprText } from './expr-text.js';
import {
  add,
  divide,
  type Interval,
  isWithin,
  multiply,
  negate,
  positiveReals,
  power,
  subtract,
  sumOfUnknownCount,
} from './interval.js';
import { type Dim, dimsMatch, formatDim, formatType, type ValueType } from './value-type.js';

/** The more informative of two matching dims (a size or a length rather than unknown). */
function preferredDim(a: Dim, b: Dim): Dim {
  return a.kind === 'unknown' ? b : a;
}

function elementRange(op: BinaryExpr['op'], l: Interval, r: Interval, e: BinaryExpr): Interval {
  switch (op) {
    case '+':
      return add(l, r);
    case '-':
      return subtract(l, r);
    case '*':
      return multiply(l, r);
    case '/':
      return divide(l, r);
    case '^': {
      const even = e.right.kind === 'NumberLit' && e.right.isInteger && e.right.value % 2 === 0;
      return power(l, r, even);
    }
  }
}

function isPositiveScalar(t: ValueType): boolean {
  return t.shape.length === 0 && isWithin(t.range, positiveReals);
}

/** Whether a covariance survives the operation (scaling by a positive scalar, cov + cov). */
function keepsCovariance(op: BinaryExpr['op'], l: ValueType, r: ValueType): boolean {
  if (l.structure === 'cov' && r.structure === 'cov') return op === '+';
  if (l.structure === 'cov') return (op === '*' || op === '/') && isPositiveScalar(r);
  if (r.structure === 'cov') return op === '*' && isPositiveScalar(l);
  return false;
}

export function binaryType(e: BinaryExpr, l: ValueType, r: ValueType, ctx: CheckContext): ValueType | undefined {
  const fixed = l.fixed && r.fixed;
  const integer =
    e.op === '/'
      ? false
      : e.op === '^'
        ? l.integer && e.right.kind === 'NumberLit' && e.right.isInteger
        : l.integer && r.integer;
  const range = elementRange(e.op, l.range, r.range, e);
  const lr = l.shape.length;
  const rr = r.shape.length;

  if (e.op === '*' && lr === 2 && (rr === 1 || rr === 2)) {
    const [rows, columns] = l.shape as [Dim, Dim];
    const inner = r.shape[0] as Dim;
    if (!dimsMatch(columns, inner, ctx.sizeDefault)) {
      ctx.report(m.innerDimensions, e.span, {
        left: exprText(e.left),
        leftType: formatType(l),
        right: exprText(e.right),
        rightType: formatType(r),
        columns: formatDim(columns),
        length: formatDim(inner),
        rightIsMatrix: rr === 2,
      });
      return undefined;
    }
    const shape = rr === 1 ? [rows] : [rows, r.shape[1] as Dim];
    return { shape, range: sumOfUnknownCount(range), integer, fixed };
  }

  let shape: readonly Dim[];
  if (lr === 0) shape = r.shape;
  else if (rr === 0) shape = l.shape;
  else if (lr === rr && l.shape.every((d, i) => dimsMatch(d, r.shape[i] as Dim, ctx.sizeDefault))) {
    shape = l.shape.map((d, i) => preferredDim(d, r.shape[i] as Dim));
  } else {
    ctx.report(m.operandShapes, e.span, {
      op: e.op,
      left: exprText(e.left),
      leftType: formatType(l),
      right: exprText(e.right),
      rightType: formatType(r),
    });
    return undefined;
  }
  const out: ValueType = { shape, range, integer, fixed };
  return keepsCovariance(e.op, l, r) ? { ...out, structure: 'cov' } : out;
}

export function unaryType(_e: UnaryExpr, operand: ValueType): ValueType {
  return { shape: operand.shape, range: negate(operand.range), integer: operand.integer, fixed: operand.fixed };
}
