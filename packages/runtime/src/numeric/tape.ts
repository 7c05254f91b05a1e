/**
 * A `NumericExpr` bound to one (factor argument, joint latent state) of a mixture: a tape of
 * nodes in evaluation order, each an `ArgView` over its own buffer (a per-item node holds n
 * values of its size, an item-invariant one a single value), evaluated over all items at once
 * (`forward`) and differentiated in reverse mode (`backward`): the caller seeds the adjoint of
 * the output, `backward` propagates it to the param leaves and adds it to their gradient arrays
 * (aligned with the params' live values). Buffers are allocated once, when the tape is built;
 * forward and backward allocate nothing. Broadcasting: a size-1 operand broadcasts over the
 * other's entries, an item-invariant operand over the items (its adjoint sums over them).
 */

import type { NumericExpr, NumericUnaryOp } from '../em/fit-program.js';
import type { ArgView } from '../kernels/arg-view.js';

type Op = 'leaf' | NumericUnaryOp | '+' | '-' | '*' | '/' | '^' | 'dot' | 'sum' | 'softmax' | 'vector';

export interface TapeNode extends ArgView {
  readonly op: Op;
  readonly inputs: readonly number[];
  /** True when the node depends on the item (step > 0 for a computed node). */
  readonly perItem: boolean;
  /** Adjoint, laid out as the node's own values (n·size or size); empty for nodes without a param below. */
  readonly adj: Float64Array;
  /** For a param leaf: the gradient array its adjoint is added to, at `offset`. */
  readonly grad?: Float64Array;
}

export interface Tape {
  readonly nodes: readonly TapeNode[];
  /** The output node: what the kernel reads. */
  readonly out: TapeNode;
  /** True when some param leaf is below the output (the tape has a gradient). */
  readonly hasParam: boolean;
}

/** How a tape's leaves are bound: views of params and data, constant values. */
export interface LeafBinder {
  /** The live view of a param leaf and the gradient array aligned with the param's values. */
  param(e: Extract<NumericExpr, { kind: 'param' }>): { view: ArgView; grad?: Float64Array };
  data(e: Extract<NumericExpr, { kind: 'data' }>): ArgView;
  constant(e: Extract<NumericExpr, { kind: 'constant' }>): Float64Array;
}

/** Thrown for an expression whose sizes do not fit together (a user-facing message). */
export class ExpressionSizeError extends Error {}

/** Builds the tape of `expr` over n items. */
export function buildTape(expr: NumericExpr, n: number, bind: LeafBinder, text: string): Tape {
  const nodes: TapeNode[] = [];
  const withGrad: boolean[] = [];
  const computed = (op: Op, inputs: number[], size: number): number => {
    const perItem = inputs.some((k) => nodes[k]!.perItem);
    const length = perItem ? n * size : size;
    const grad = inputs.some((k) => withGrad[k]);
    nodes.push({
      op,
      inputs,
      perItem,
      values: new Float64Array(length),
      offset: 0,
      step: perItem ? size : 0,
      size,
      adj: new Float64Array(grad ? length : 0),
    });
    withGrad.push(grad);
    return nodes.length - 1;
  };
  const leaf = (view: ArgView, grad?: Float64Array): number => {
    const perItem = view.step > 0;
    nodes.push({
      op: 'leaf',
      inputs: [],
      perItem,
      ...view,
      adj: new Float64Array(grad ? view.size : 0),
      ...(grad ? { grad } : {}),
    });
    withGrad.push(grad !== undefined);
    return nodes.length - 1;
  };
  const visit = (e: NumericExpr): number => {
    switch (e.kind) {
      case 'constant': {
        const values = bind.constant(e);
        return leaf({ values, offset: 0, step: 0, size: values.length });
      }
      case 'param': {
        const { view, grad } = bind.param(e);
        return leaf(view, grad);
      }
      case 'data':
        return leaf(bind.data(e));
      case 'unary': {
        const a = visit(e.operand);
        return computed(e.op, [a], nodes[a]!.size);
      }
      case 'binary': {
        const a = visit(e.left);
        const b = visit(e.right);
        const sa = nodes[a]!.size;
        const sb = nodes[b]!.size;
        if (sa !== sb && sa !== 1 && sb !== 1)
          throw new ExpressionSizeError(`'${text}': '${e.op}' of values of sizes ${sa} and ${sb}`);
        return computed(e.op, [a, b], Math.max(sa, sb));
      }
      case 'dot': {
        const a = visit(e.left);
        const b = visit(e.right);
        if (nodes[a]!.size !== nodes[b]!.size)
          throw new ExpressionSizeError(`'${text}': dot of vectors of sizes ${nodes[a]!.size} and ${nodes[b]!.size}`);
        return computed('dot', [a, b], 1);
      }
      case 'sum':
        return computed('sum', [visit(e.operand)], 1);
      case 'softmax': {
        const a = visit(e.operand);
        return computed('softmax', [a], nodes[a]!.size);
      }
      case 'vector': {
        const inputs = e.elements.map(visit);
        const bad = inputs.find((k) => nodes[k]!.size !== 1);
        if (bad !== undefined) throw new ExpressionSizeError(`'${text}': a vector literal of non-scalar entries`);
        return computed('vector', inputs, inputs.length);
      }
    }
  };
  const out = nodes[visit(expr)]!;
  return { nodes, out, hasParam: withGrad[withGrad.length - 1] ?? false };
}

/** Index of entry j of node v at item i (broadcasting a scalar and an item-invariant node). */
const ix = (v: ArgView, i: number, j: number) => v.offset + i * v.step + (v.size === 1 ? 0 : j);
/** Index of the adjoint of entry j of node v at item i. */
const ax = (v: TapeNode, i: number, j: number) => (v.perItem ? i * v.size : 0) + (v.size === 1 ? 0 : j);

const logistic = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

function unary(op: NumericUnaryOp, x: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'logistic':
      return logistic(x);
    case 'softplus':
      return softplus(x);
    case 'log1p':
      return Math.log1p(x);
  }
}

/** d op(x) / dx, given x and the value v = op(x). */
function unaryDerivative(op: NumericUnaryOp, x: number, v: number): number {
  switch (op) {
    case 'neg':
      return -1;
    case 'exp':
      return v;
    case 'log':
      return 1 / x;
    case 'sqrt':
      return 0.5 / v;
    case 'logistic':
      return v * (1 - v);
    case 'softplus':
      return logistic(x);
    case 'log1p':
      return 1 / (1 + x);
  }
}

/** Evaluates every computed node of the tape over the n items (leaves read their live views). */
export function forward(tape: Tape, n: number): void {
  const { nodes } = tape;
  for (const node of nodes) {
    if (node.op === 'leaf') continue;
    const items = node.perItem ? n : 1;
    const size = node.size;
    const out = node.values;
    const a = nodes[node.inputs[0]!]!;
    switch (node.op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case '^': {
        const b = nodes[node.inputs[1]!]!;
        for (let i = 0; i < items; i++) {
          for (let j = 0; j < size; j++) {
            const x = a.values[ix(a, i, j)]!;
            const y = b.values[ix(b, i, j)]!;
            out[i * size + j] =
              node.op === '+'
                ? x + y
                : node.op === '-'
                  ? x - y
                  : node.op === '*'
                    ? x * y
                    : node.op === '/'
                      ? x / y
                      : x ** y;
          }
        }
        break;
      }
      case 'dot': {
        const b = nodes[node.inputs[1]!]!;
        const d = a.size;
        for (let i = 0; i < items; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += a.values[ix(a, i, j)]! * b.values[ix(b, i, j)]!;
          out[i] = s;
        }
        break;
      }
      case 'sum': {
        for (let i = 0; i < items; i++) {
          let s = 0;
          for (let j = 0; j < a.size; j++) s += a.values[ix(a, i, j)]!;
          out[i] = s;
        }
        break;
      }
      case 'softmax': {
        for (let i = 0; i < items; i++) {
          let max = Number.NEGATIVE_INFINITY;
          for (let j = 0; j < size; j++) max = Math.max(max, a.values[ix(a, i, j)]!);
          let total = 0;
          for (let j = 0; j < size; j++) total += out[i * size + j] = Math.exp(a.values[ix(a, i, j)]! - max);
          for (let j = 0; j < size; j++) out[i * size + j]! /= total;
        }
        break;
      }
      case 'vector': {
        for (let i = 0; i < items; i++) {
          for (let j = 0; j < size; j++) {
            const e = nodes[node.inputs[j]!]!;
            out[i * size + j] = e.values[ix(e, i, 0)]!;
          }
        }
        break;
      }
      default: {
        const op = node.op;
        for (let i = 0; i < items; i++) {
          for (let j = 0; j < size; j++) out[i * size + j] = unary(op, a.values[ix(a, i, j)]!);
        }
      }
    }
  }
}

/** Zeroes every adjoint (before seeding the output's). */
export function clearAdjoints(tape: Tape): void {
  for (const node of tape.nodes) node.adj.fill(0);
}

/**
 * Propagates the output's adjoint (seeded by the caller after `clearAdjoints`) back to the param
 * leaves and adds each leaf's adjoint to its gradient array. Needs the values of `forward`.
 */
export function backward(tape: Tape, n: number): void {
  const { nodes } = tape;
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (node.adj.length === 0) continue;
    if (node.op === 'leaf') {
      if (node.grad) for (let j = 0; j < node.size; j++) node.grad[node.offset + j]! += node.adj[j]!;
      continue;
    }
    const items = node.perItem ? n : 1;
    const size = node.size;
    const g = node.adj;
    const v = node.values;
    const a = nodes[node.inputs[0]!]!;
    switch (node.op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case '^': {
        const b = nodes[node.inputs[1]!]!;
        for (let i = 0; i < items; i++) {
          for (let j = 0; j < size; j++) {
            const gij = g[i * size + j]!;
            if (gij === 0) continue;
            const x = a.values[ix(a, i, j)]!;
            const y = b.values[ix(b, i, j)]!;
            let da: number;
            let db: number;
            switch (node.op) {
              case '+':
                da = 1;
                db = 1;
                break;
              case '-':
                da = 1;
                db = -1;
                break;
              case '*':
                da = y;
                db = x;
                break;
              case '/':
                da = 1 / y;
                db = -x / (y * y);
                break;
              default:
                da = y * x ** (y - 1);
                db = b.adj.length > 0 ? v[i * size + j]! * Math.log(x) : 0;
            }
            if (a.adj.length > 0) a.adj[ax(a, i, j)]! += gij * da;
            if (b.adj.length > 0) b.adj[ax(b, i, j)]! += gij * db;
          }
        }
        break;
      }
      case 'dot': {
        const b = nodes[node.inputs[1]!]!;
        for (let i = 0; i < items; i++) {
          const gi = g[i]!;
          if (gi === 0) continue;
          for (let j = 0; j < a.size; j++) {
            if (a.adj.length > 0) a.adj[ax(a, i, j)]! += gi * b.values[ix(b, i, j)]!;
            if (b.adj.length > 0) b.adj[ax(b, i, j)]! += gi * a.values[ix(a, i, j)]!;
          }
        }
        break;
      }
      case 'sum': {
        if (a.adj.length === 0) break;
        for (let i = 0; i < items; i++) for (let j = 0; j < a.size; j++) a.adj[ax(a, i, j)]! += g[i]!;
        break;
      }
      case 'softmax': {
        if (a.adj.length === 0) break;
        for (let i = 0; i < items; i++) {
          let inner = 0;
          for (let j = 0; j < size; j++) inner += g[i * size + j]! * v[i * size + j]!;
          for (let j = 0; j < size; j++) a.adj[ax(a, i, j)]! += v[i * size + j]! * (g[i * size + j]! - inner);
        }
        break;
      }
      case 'vector': {
        for (let j = 0; j < size; j++) {
          const e = nodes[node.inputs[j]!]!;
          if (e.adj.length === 0) continue;
          for (let i = 0; i < items; i++) e.adj[ax(e, i, 0)]! += g[i * size + j]!;
        }
        break;
      }
      default: {
        if (a.adj.length === 0) break;
        const op = node.op;
        for (let i = 0; i < items; i++) {
          for (let j = 0; j < size; j++) {
            const x = a.values[ix(a, i, j)]!;
            a.adj[ax(a, i, j)]! += g[i * size + j]! * unaryDerivative(op, x, v[i * size + j]!);
          }
        }
      }
    }
  }
}
