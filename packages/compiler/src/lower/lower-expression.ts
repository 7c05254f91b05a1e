/**
 * Lowers an argument expression of a factor inside the item plate to the runtime's `NumericExpr`
 * (packages/runtime/src/em/fit-program.ts), which the runtime evaluates per item and per joint
 * latent state and differentiates in reverse mode (packages/runtime/src/numeric/). Leaves are
 * what `lowerValueSource` reads (params, possibly chosen by latents; data at the item or whole;
 * constants of numbers and sizes); inner nodes are + − * / ^, unary minus, vector literals of
 * scalars and the builtin functions exp, log, sqrt, logistic (also `inv_logit`), softplus, log1p,
 * dot, sum and softmax. Anything else is an obstacle, returned as a sentence.
 */
import type { Expr } from '@emforge/dsl';
import { printExpr } from '@emforge/dsl';
import type { NumericExpr, NumericUnaryOp } from '@emforge/runtime';
import {
  type ItemContext,
  type Lowered,
  lowerConstant,
  lowerValueSource,
  sizeNames,
  wholeDataOf,
} from './lower-value-source.js';

const unaryFunctions: Readonly<Record<string, NumericUnaryOp>> = {
  exp: 'exp',
  log: 'log',
  sqrt: 'sqrt',
  logistic: 'logistic',
  inv_logit: 'logistic',
  softplus: 'softplus',
  log1p: 'log1p',
};

class Obstacle {
  constructor(readonly why: string) {}
}

function lower(e: Expr, ctx: ItemContext): NumericExpr {
  const constant = lowerConstant(e, sizeNames(ctx.checked), wholeDataOf(ctx.checked));
  if (constant) return { kind: 'constant', value: constant };
  switch (e.kind) {
    case 'Binary':
      return { kind: 'binary', op: e.op, left: lower(e.left, ctx), right: lower(e.right, ctx) };
    case 'Unary':
      return { kind: 'unary', op: 'neg', operand: lower(e.operand, ctx) };
    case 'VectorLit':
      return { kind: 'vector', elements: e.elements.map((x) => lower(x, ctx)) };
    case 'Call': {
      const fn = e.callee.name;
      const [a, b] = e.args;
      const unary = unaryFunctions[fn];
      if (unary && a && e.args.length === 1) return { kind: 'unary', op: unary, operand: lower(a, ctx) };
      if (fn === 'dot' && a && b && e.args.length === 2)
        return { kind: 'dot', left: lower(a, ctx), right: lower(b, ctx) };
      if ((fn === 'sum' || fn === 'softmax') && a && e.args.length === 1) return { kind: fn, operand: lower(a, ctx) };
      throw new Obstacle(`'${printExpr(e)}' calls '${fn}', which the runtime cannot evaluate yet`);
    }
    case 'NameRef':
    case 'Index': {
      const leaf = lowerValueSource(e, ctx);
      if ('obstacle' in leaf) throw new Obstacle(leaf.obstacle);
      const v = leaf.value;
      switch (v.kind) {
        case 'param':
          return { kind: 'param', name: v.name, selectors: v.selectors };
        case 'data':
          return { kind: 'data', name: v.name, atItem: v.atItem, selectors: v.selectors };
        case 'constant':
          return { kind: 'constant', value: v.value };
        default:
          throw new Obstacle(`'${printExpr(e)}' is a latent's state, which an expression cannot use yet`);
      }
    }
    default:
      throw new Obstacle(`'${printExpr(e)}' is an expression the runtime cannot evaluate yet`);
  }
}

/** The expression tree of `e`, or the first obstacle found. Not inside inner loops of the item. */
export function lowerExpression(e: Expr, ctx: ItemContext): Lowered<NumericExpr> {
  if ((ctx.inner ?? []).length > 0)
    return {
      obstacle: `'${printExpr(e)}' is an expression inside an inner loop, which the runtime cannot evaluate yet`,
    };
  try {
    return { value: lower(e, ctx) };
  } catch (error) {
    if (error instanceof Obstacle) return { obstacle: error.why };
    throw error;
  }
}

/** The names of the params an expression reads. */
export function paramsOf(e: NumericExpr): string[] {
  switch (e.kind) {
    case 'param':
      return [e.name];
    case 'constant':
    case 'data':
      return [];
    case 'unary':
    case 'sum':
    case 'softmax':
      return paramsOf(e.operand);
    case 'binary':
    case 'dot':
      return [...paramsOf(e.left), ...paramsOf(e.right)];
    case 'vector':
      return e.elements.flatMap(paramsOf);
  }
}
