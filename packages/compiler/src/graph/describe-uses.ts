/**
 * How each variable enters an argument expression of a factor (see `UseKind` in
 * model-graph.ts). A bottom-up pass over the expression: leaves are variable references, and
 * each operator says what it makes of its operands' uses (a sum keeps affine uses affine, a
 * link function turns a linear predictor into a linked one, a division of a scale by a
 * variable makes that variable a scale divisor). `let` names are looked through.
 */
import { type Expr, printExpr } from '@emforge/dsl';
import type { CheckedModel } from '../check/check-model.js';
import type { UseKind, VariableUse } from './model-graph.js';

/** The factor being described: its child and target indices, and whether the argument is a scale. */
export interface UseContext {
  readonly checked: CheckedModel;
  readonly child: string;
  readonly targetIndices: readonly string[];
  /** True for a scale or covariance argument (`sd`, `cov`, `scale`). */
  readonly scaleArgument: boolean;
}

/** Functions whose argument's contribution becomes a linear predictor (products). */
const linearFunctions = new Set(['dot']);
/** Functions that produce no dependency (constants of a size). */
const constantFunctions = new Set(['zeros', 'ones', 'eye']);

export function describeUses(expr: Expr, ctx: UseContext): VariableUse[] {
  return dedupe(uses(expr, ctx, new Set()));
}

function uses(e: Expr, ctx: UseContext, seenLets: ReadonlySet<string>): VariableUse[] {
  switch (e.kind) {
    case 'NumberLit':
    case 'Error':
      return [];
    case 'NameRef': {
      const symbol = ctx.checked.references.get(e.id);
      if (!symbol) return [];
      if (symbol.kind === 'var') return [use(symbol.name, 'direct', e)];
      if (symbol.kind === 'let' && !seenLets.has(symbol.name)) {
        return uses(symbol.decl.value, ctx, new Set([...seenLets, symbol.name]));
      }
      return [];
    }
    case 'Index':
      return indexUses(e, ctx, seenLets);
    case 'VectorLit':
      return e.elements.flatMap((x) => uses(x, ctx, seenLets)).map((u) => relabel(u, 'expression', e));
    case 'Unary':
      return uses(e.operand, ctx, seenLets).map((u) => (isLinear(u) ? relabel(u, 'affine', e) : u));
    case 'Call': {
      const name = e.callee.name;
      if (constantFunctions.has(name)) return [];
      const inner = e.args.flatMap((a) => uses(a, ctx, seenLets));
      if (linearFunctions.has(name)) {
        return inner.map((u) => (isLinear(u) && !isFixed(u, ctx) ? relabel(u, 'linear-predictor', e) : u));
      }
      // A link (logistic, exp, softmax …): a linear predictor stays one, behind the link.
      return inner.map((u) =>
        isLinear(u) && !isFixed(u, ctx)
          ? { ...relabel(u, 'linear-predictor', e), link: name }
          : relabel(u, 'expression', e),
      );
    }
    case 'Binary':
      return binaryUses(e, ctx, seenLets);
  }
}

function binaryUses(e: Expr & { kind: 'Binary' }, ctx: UseContext, seenLets: ReadonlySet<string>): VariableUse[] {
  const left = uses(e.left, ctx, seenLets);
  const right = uses(e.right, ctx, seenLets);
  const random = (us: readonly VariableUse[]) => us.some((u) => !isFixed(u, ctx));
  switch (e.op) {
    case '+':
    case '-':
      return [...left, ...right].map((u) => (isLinear(u) ? relabel(u, 'affine', e) : u));
    case '*':
    case '/': {
      if (ctx.scaleArgument && random(right) && random(left)) {
        // `Sigma / u[n]`, `sigma * s[n]`: a scale divided or multiplied by a random quantity.
        return [
          ...left.map((u) => (isFixed(u, ctx) ? u : relabel(u, 'scaled', e))),
          ...right.map((u) => (isFixed(u, ctx) ? u : relabel(u, 'scale-divisor', e))),
        ];
      }
      if (e.op === '/' && random(right)) return [...left, ...right].map((u) => relabel(u, 'expression', e));
      return [...left, ...right].map((u) => (isLinear(u) ? relabel(u, 'affine', e) : relabel(u, 'expression', e)));
    }
    case '^':
      return [...left, ...right].map((u) => relabel(u, 'expression', e));
  }
}

/**
 * `mu[z[n]]` (mu selected by z), `trans[h[s][t-1]]` (h the previous step), `x[t-1]` (the
 * child's own chain at an earlier step), `X[n]` (direct).
 */
function indexUses(e: Expr & { kind: 'Index' }, ctx: UseContext, seenLets: ReadonlySet<string>): VariableUse[] {
  const { root, indices } = flattenIndex(e);
  const rootSymbol = root.kind === 'NameRef' ? ctx.checked.references.get(root.id) : undefined;
  const out: VariableUse[] = [];
  const selectors: string[] = [];
  for (const index of indices) {
    for (const u of uses(index, ctx, seenLets)) {
      if (isFixed(u, ctx) || rootSymbol?.kind !== 'var') {
        out.push(u);
        continue;
      }
      selectors.push(u.variable);
      const previous = u.variable === ctx.child && rootSymbol.name !== ctx.child;
      out.push({ ...use(u.variable, previous ? 'previous-step' : 'selector', e), selects: rootSymbol.name });
    }
  }
  if (rootSymbol?.kind === 'var') {
    const name = rootSymbol.name;
    const written = indices.map(printExpr);
    const earlier = name === ctx.child && written.length > 0 && written.some((w, i) => w !== ctx.targetIndices[i]);
    const kind: UseKind = earlier ? 'previous-step' : selectors.length > 0 ? 'selected' : 'direct';
    out.unshift({ ...use(name, kind, e), selectors: [...new Set(selectors)] });
  } else {
    out.unshift(...uses(root, ctx, seenLets));
  }
  return out;
}

export function flattenIndex(e: Expr): { root: Expr; indices: Expr[] } {
  const indices: Expr[] = [];
  let cur: Expr = e;
  while (cur.kind === 'Index') {
    indices.unshift(...cur.indices);
    cur = cur.target;
  }
  return { root: cur, indices };
}

function use(variable: string, kind: UseKind, at: Expr): VariableUse {
  return { variable, kind, selectors: [], text: printExpr(at), span: at.span };
}

function relabel(u: VariableUse, kind: UseKind, at: Expr): VariableUse {
  if (u.kind === 'selector' || u.kind === 'previous-step') return u;
  if (u.kind === kind) return u;
  return { ...u, kind, text: printExpr(at), span: at.span };
}

/** Uses an affine map keeps affine. */
function isLinear(u: VariableUse): boolean {
  return (
    u.kind === 'direct' || u.kind === 'selected' || u.kind === 'affine' || (u.kind === 'linear-predictor' && !u.link)
  );
}

/** Data values are constants: they never make an expression random. */
function isFixed(u: VariableUse, ctx: UseContext): boolean {
  return ctx.checked.symbols.vars.get(u.variable)?.role === 'data' && u.variable !== ctx.child;
}

/** One use per (variable, kind, position), keeping the first. */
function dedupe(list: readonly VariableUse[]): VariableUse[] {
  const seen = new Set<string>();
  return list.filter((u) => {
    const key = `${u.variable}|${u.kind}|${u.span.start}|${u.selects ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
