/**
 * Name resolution and type inference for expressions. Each name is resolved in its scope
 * (recording the symbol in `ctx.references`), each expression gets a `ValueType` (recorded in
 * `ctx.types`), and indexing and calls are checked on the way. An expression whose type
 * cannot be known — after an error, or an `Error` node — has type `undefined`, and checks
 * that would only repeat the first problem are skipped.
 */
import {
  type CallExpr,
  checkNotes,
  closestName,
  didYouMean,
  type Expr,
  type ForStmt,
  type IndexExpr,
  type LetDecl,
  checkMessages as m,
  type NameRef,
  type Span,
  type VectorLit,
} from '@emforge/dsl';
import { distributions } from '@emforge/runtime';
import { builtinFunctions } from './builtin-functions.js';
import type { CheckContext } from './check-context.js';
import { exprText } from './expr-text.js';
import { hull, interval, isWithin, nonNegativeReals, point, unitInterval } from './interval.js';
import { binaryType, unaryType } from './operators.js';
import type { Scope } from './scope.js';
import type { ModelSymbol } from './symbols.js';
import { type Dim, dimsMatch, formatDim, formatType, type ValueType, withShape } from './value-type.js';

/** Every `let` and `for` of the model by name, to explain names used out of their scope. */
export interface ScopeHints {
  readonly lets: ReadonlyMap<string, readonly LetDecl[]>;
  readonly loops: ReadonlyMap<string, readonly ForStmt[]>;
}

export interface ExprEnv {
  readonly ctx: CheckContext;
  readonly scope: Scope;
  readonly hints: ScopeHints;
}

function isBefore(a: Span, b: Span): boolean {
  return a.line < b.line || (a.line === b.line && a.col < b.col);
}

/** The symbol `ref` names here, or undefined after reporting why there is none. */
export function resolveName(ref: NameRef, env: ExprEnv): ModelSymbol | undefined {
  const { ctx } = env;
  if (ref.name === '') return undefined;
  const symbol = env.scope.lookup(ref.name) ?? ctx.topLevel(ref.name);
  if (symbol) {
    ctx.references.set(ref.id, symbol);
    return symbol;
  }
  const laterLet = env.hints.lets.get(ref.name)?.find((l) => isBefore(ref.span, l.span));
  if (laterLet) {
    ctx.report(
      m.letUsedBeforeDeclaration,
      ref.span,
      { name: ref.name },
      { related: [{ span: laterLet.name.span, message: `'${ref.name}' is declared here` }] },
    );
    return undefined;
  }
  const otherLet = env.hints.lets.get(ref.name)?.[0];
  const otherLoop = env.hints.loops.get(ref.name)?.[0];
  if (otherLoop || otherLet) {
    const scopeNote = otherLoop
      ? { what: 'loop index' as const, line: otherLoop.index.span.line }
      : { what: 'let' as const, line: (otherLet as LetDecl).name.span.line };
    ctx.report(m.unknownName, ref.span, { name: ref.name, expected: 'value', scopeNote });
    return undefined;
  }
  const candidates = [...env.scope.visibleNames(), ...ctx.sizes.keys(), ...ctx.vars.keys()];
  ctx.report(
    m.unknownName,
    ref.span,
    { name: ref.name, expected: 'value' },
    { hint: didYouMean(ref.name, candidates) },
  );
  // The declaration the typo was meant for is used, not "never used".
  const meant = closestName(ref.name, candidates);
  const meantSymbol = meant === undefined ? undefined : (env.scope.lookup(meant) ?? ctx.topLevel(meant));
  if (meantSymbol) ctx.suggestedUses.add(meantSymbol);
  return undefined;
}

/** The type a symbol's name has as a value. */
function symbolType(s: ModelSymbol, ctx: CheckContext): ValueType | undefined {
  if (ctx.poisoned.has(s)) return undefined;
  switch (s.kind) {
    case 'size':
      return s.over === undefined
        ? { shape: [], range: interval(1, Infinity), integer: true, fixed: true }
        : { shape: [{ kind: 'size', name: s.over }], range: nonNegativeReals, integer: true, fixed: true };
    case 'var':
    case 'let':
      return s.type;
    case 'index':
      return ctx.types.get(s.decl.index.id);
  }
}

export function inferExpr(e: Expr, env: ExprEnv): ValueType | undefined {
  const t = infer(e, env);
  if (t) env.ctx.types.set(e.id, t);
  return t;
}

function infer(e: Expr, env: ExprEnv): ValueType | undefined {
  switch (e.kind) {
    case 'NumberLit':
      return { shape: [], range: point(e.value), integer: e.isInteger, fixed: true };
    case 'NameRef': {
      const s = resolveName(e, env);
      return s ? symbolType(s, env.ctx) : undefined;
    }
    case 'Index':
      return inferIndex(e, env);
    case 'Call':
      return inferCall(e, env);
    case 'Binary': {
      const l = inferExpr(e.left, env);
      const r = inferExpr(e.right, env);
      return l && r ? binaryType(e, l, r, env.ctx) : undefined;
    }
    case 'Unary': {
      const t = inferExpr(e.operand, env);
      return t ? unaryType(e, t) : undefined;
    }
    case 'VectorLit':
      return inferVector(e, env);
    case 'Error':
      return undefined;
  }
}

function inferIndex(e: IndexExpr, env: ExprEnv): ValueType | undefined {
  const { ctx } = env;
  const target = inferExpr(e.target, env);
  const indexTypes = e.indices.map((i) => inferExpr(i, env));
  if (!target) return undefined;
  if (e.indices.length > target.shape.length) {
    ctx.report(m.tooManyIndices, e.span, {
      target: exprText(e.target),
      got: formatType(target),
      dims: target.shape.length,
      count: e.indices.length,
    });
    return undefined;
  }
  let ok = true;
  let fixed = target.fixed;
  e.indices.forEach((index, i) => {
    const it = indexTypes[i];
    if (!it) {
      ok = false;
      return;
    }
    fixed &&= it.fixed;
    if (it.shape.length > 0 || !it.integer) {
      ctx.report(m.indexNotInteger, index.span, { index: exprText(index), got: formatType(it) });
      ok = false;
      return;
    }
    if (!checkIndexRange(index, it, target.shape[i] as Dim, e, env)) ok = false;
  });
  if (!ok) return undefined;
  return { ...withShape(target, target.shape.slice(e.indices.length)), fixed };
}

/** An index running over one size must not select along a dimension of another size. */
function checkIndexRange(index: Expr, it: ValueType, dim: Dim, e: IndexExpr, env: ExprEnv): boolean {
  const { ctx } = env;
  let range: string | undefined;
  if (index.kind === 'NameRef') {
    const s = ctx.references.get(index.id);
    if (s?.kind === 'index' && s.boundSize !== undefined && dim.kind === 'size' && dim.name !== s.boundSize) {
      range = s.boundSize;
    }
  }
  if (range === undefined && it.categories && !dimsMatch(it.categories, dim, ctx.sizeDefault)) {
    range = `cat[${formatDim(it.categories)}]`;
  }
  if (range === undefined) return true;
  const related =
    dim.kind !== 'unknown' && dim.origin
      ? [{ span: dim.origin.span, message: checkNotes.dimensionDeclared(dim.origin.owner, formatDim(dim)) }]
      : [];
  ctx.report(
    m.indexRangeMismatch,
    index.span,
    { index: exprText(index), range, target: exprText(e.target), dim: formatDim(dim) },
    { related },
  );
  return false;
}

function inferCall(e: CallExpr, env: ExprEnv): ValueType | undefined {
  const { ctx } = env;
  const argTypes = e.args.map((a) => inferExpr(a, env));
  const name = e.callee.name;
  if (name === '') return undefined;
  const fn = builtinFunctions.get(name);
  if (!fn) {
    const isDistribution = distributions.has(name);
    const known = [...builtinFunctions.keys()].join(', ');
    const hint = isDistribution ? undefined : didYouMean(name, builtinFunctions.keys());
    ctx.report(m.unknownFunction, e.callee.span, { name, known, isDistribution }, { hint });
    return undefined;
  }
  if (e.args.length !== fn.params.length) {
    ctx.report(m.functionArity, e.span, {
      fn: name,
      params: fn.params.join(', '),
      expected: fn.params.length,
      got: e.args.length,
    });
    return undefined;
  }
  if (argTypes.some((t) => t === undefined)) return undefined;
  return fn.result({
    call: e,
    args: argTypes as ValueType[],
    ctx,
    dimensionOf: (a) => dimensionOf(a, ctx),
  });
}

/** The dimension an argument such as `L` in `zeros(L)` stands for. */
function dimensionOf(e: Expr, ctx: CheckContext): Dim | undefined {
  if (e.kind === 'NumberLit') return e.isInteger && e.value >= 1 ? { kind: 'const', value: e.value } : undefined;
  if (e.kind === 'NameRef') {
    const s = ctx.references.get(e.id);
    if (s?.kind === 'size' && s.over === undefined) return { kind: 'size', name: s.name };
  }
  const t = ctx.types.get(e.id);
  return t && t.shape.length === 0 && t.integer && t.fixed ? { kind: 'unknown' } : undefined;
}

function inferVector(e: VectorLit, env: ExprEnv): ValueType | undefined {
  const types = e.elements.map((x) => inferExpr(x, env));
  if (types.some((t) => t === undefined) || types.length === 0) return undefined;
  // One report per literal: the first entry that is not a scalar.
  const bad = e.elements.findIndex((_, i) => (types[i] as ValueType).shape.length > 0);
  const badElement = e.elements[bad];
  if (badElement) {
    env.ctx.report(m.vectorElement, badElement.span, {
      element: exprText(badElement),
      got: formatType(types[bad] as ValueType),
    });
    return undefined;
  }
  const known = types as ValueType[];
  const range = known.map((t) => t.range).reduce(hull);
  const out: ValueType = {
    shape: [{ kind: 'const', value: known.length }],
    range,
    integer: known.every((t) => t.integer),
    fixed: known.every((t) => t.fixed),
  };
  // Entries that are all probabilities may form a simplex; the sum is checked at run time.
  return isWithin(range, unitInterval) ? { ...out, structure: 'simplex' } : out;
}
