/**
 * The second checking pass: walks the model body in order with its scopes, resolving and
 * typing every expression, and checks `let`, `for`, `~` and `=` statements. Each `~` whose
 * target is a variable is recorded with its enclosing loops for the coverage pass.
 */
import {
  type AssignStmt,
  checkNotes,
  didYouMean,
  type Expr,
  type ForStmt,
  type Item,
  type LetDecl,
  type Model,
  checkMessages as m,
  type SampleStmt,
  walk,
} from '@emforge/dsl';
import { distributions, findDistribution } from '@emforge/runtime';
import { builtinFunctions } from './builtin-functions.js';
import type { CheckContext } from './check-context.js';
import { checkDistributionUse } from './distribution-use.js';
import { exprText } from './expr-text.js';
import { type ExprEnv, inferExpr, type ScopeHints } from './infer-expr.js';
import { interval } from './interval.js';
import type { SampleRecord } from './sample-record.js';
import { Scope } from './scope.js';
import {
  declarationSpan,
  type IndexSymbol,
  type LetSymbol,
  type ModelSymbol,
  nameKind,
  type VarSymbol,
} from './symbols.js';
import { type Dim, formatType } from './value-type.js';

interface Walk {
  readonly ctx: CheckContext;
  readonly hints: ScopeHints;
  readonly samples: SampleRecord[];
}

/** Checks all statements of the model and returns the `~` statements on variables. */
export function checkStatements(model: Model, ctx: CheckContext): SampleRecord[] {
  const w: Walk = { ctx, hints: collectScopeHints(model), samples: [] };
  checkItems(model.body, new Scope(), [], w);
  return w.samples;
}

function collectScopeHints(model: Model): ScopeHints {
  const lets = new Map<string, LetDecl[]>();
  const loops = new Map<string, ForStmt[]>();
  walk(model, (n) => {
    if (n.kind === 'LetDecl') lets.set(n.name.name, [...(lets.get(n.name.name) ?? []), n]);
    if (n.kind === 'For') loops.set(n.index.name, [...(loops.get(n.index.name) ?? []), n]);
  });
  return { lets, loops };
}

function checkItems(items: readonly Item[], scope: Scope, loops: readonly ForStmt[], w: Walk): void {
  for (const item of items) {
    switch (item.kind) {
      case 'LetDecl':
        checkLet(item, scope, w);
        break;
      case 'For':
        checkFor(item, scope, loops, w);
        break;
      case 'Sample':
        checkSample(item, scope, loops, w);
        break;
      case 'Assign':
        checkAssign(item, scope, w);
        break;
      case 'SizeDecl':
      case 'VarDecl':
      case 'Error':
        break; // declarations were collected by the first pass; errors were reported by the parser
    }
  }
}

function env(scope: Scope, w: Walk): ExprEnv {
  return { ctx: w.ctx, scope, hints: w.hints };
}

/**
 * Reports a loop index or let whose name is already visible. The new name then has no type,
 * and the variable it hides is not analysed for coverage, so the one mistake is reported once.
 */
function checkShadowing(symbol: LetSymbol | IndexSymbol, at: Expr['span'], scope: Scope, w: Walk): void {
  const other: ModelSymbol | undefined = scope.lookup(symbol.name) ?? w.ctx.topLevel(symbol.name);
  if (!other) return;
  const what = symbol.kind === 'let' ? 'let' : 'loop index';
  w.ctx.report(
    m.nameShadows,
    at,
    { what, name: symbol.name, other: nameKind(other) },
    { related: [{ span: declarationSpan(other), message: checkNotes.declaredHere(nameKind(other), other.name) }] },
  );
  w.ctx.poisoned.add(symbol);
  if (other.kind === 'var') w.ctx.unreliable.add(other.name);
}

function checkLet(decl: LetDecl, scope: Scope, w: Walk): void {
  const type = inferExpr(decl.value, env(scope, w));
  const name = decl.name.name;
  if (name === '') return;
  const symbol: LetSymbol = { kind: 'let', name, decl, type };
  checkShadowing(symbol, decl.name.span, scope, w);
  w.ctx.lets.set(decl.id, symbol);
  scope.define(symbol);
}

/** The size a loop bound runs up to: `N`, `T` in `T[s]`, `N` in `N - 1`. */
function boundSize(e: Expr, w: Walk): string | undefined {
  if (e.kind === 'NameRef' || (e.kind === 'Index' && e.target.kind === 'NameRef')) {
    const ref = e.kind === 'NameRef' ? e : (e.target as Extract<Expr, { kind: 'NameRef' }>);
    const s = w.ctx.references.get(ref.id);
    return s?.kind === 'size' ? s.name : undefined;
  }
  if (e.kind === 'Binary' && (e.op === '+' || e.op === '-') && e.right.kind === 'NumberLit')
    return boundSize(e.left, w);
  return undefined;
}

function checkBound(e: Expr, scope: Scope, w: Walk) {
  const t = inferExpr(e, env(scope, w));
  if (!t) return undefined;
  const problem = t.shape.length > 0 ? 'scalar' : !t.integer ? 'integer' : !t.fixed ? 'fixed' : undefined;
  if (problem) w.ctx.report(m.loopBound, e.span, { bound: exprText(e), got: formatType(t), problem });
  return problem ? undefined : t;
}

function checkFor(loop: ForStmt, scope: Scope, loops: readonly ForStmt[], w: Walk): void {
  const lo = loop.lo ? checkBound(loop.lo, scope, w) : undefined;
  const hi = checkBound(loop.hi, scope, w);
  if ((loop.lo && !lo) || !hi) w.ctx.brokenLoops.add(loop.id);
  const name = loop.index.name;
  const inner = new Scope(scope);
  if (name !== '') {
    const size = boundSize(loop.hi, w);
    const symbol: IndexSymbol = { kind: 'index', name, decl: loop, ...(size !== undefined ? { boundSize: size } : {}) };
    checkShadowing(symbol, loop.index.span, scope, w);
    w.ctx.indices.set(loop.id, symbol);
    w.ctx.types.set(loop.index.id, {
      shape: [],
      range: interval(lo ? lo.range.lo : 0, Infinity),
      integer: true,
      fixed: true,
    });
    inner.define(symbol);
  }
  checkItems(loop.body, inner, [...loops, loop], w);
}

/** `y[s][t]` → base `y`, indices [s, t]. */
export function splitTarget(target: Expr): { base: Expr; indices: Expr[] } {
  const indices: Expr[] = [];
  let base = target;
  while (base.kind === 'Index') {
    indices.unshift(...base.indices);
    base = base.target;
  }
  return { base, indices };
}

function checkSample(stmt: SampleStmt, scope: Scope, loops: readonly ForStmt[], w: Walk): void {
  const { ctx } = w;
  const e = env(scope, w);
  const targetType = inferExpr(stmt.target, e);
  const argTypes = stmt.args.map((a) => inferExpr(a, e));
  const { base, indices } = splitTarget(stmt.target);
  let variable: VarSymbol | undefined;
  let analysable = targetType !== undefined;
  if (base.kind !== 'Error') {
    const s = base.kind === 'NameRef' ? ctx.references.get(base.id) : undefined;
    if (s?.kind === 'var') variable = s;
    else if (base.kind !== 'NameRef' || (s && !ctx.poisoned.has(s))) {
      const what = s ? nameKind(s) : 'expression';
      ctx.report(m.targetNotVariable, stmt.target.span, { target: exprText(stmt.target), what });
    }
  }
  if (variable?.type?.structure && indices.length > variable.arrayRank) {
    ctx.report(m.targetInsideStructure, stmt.target.span, {
      target: exprText(stmt.target),
      structure: variable.type.structure,
    });
    analysable = false;
  }

  const distName = stmt.dist.name;
  const spec = distName === '' ? undefined : findDistribution(distName);
  let shapes: ReadonlyMap<string, Dim> = new Map();
  if (distName !== '' && !spec) {
    const isFunction = builtinFunctions.has(distName);
    const known = [...distributions.keys()].join(', ');
    const hint = isFunction ? undefined : didYouMean(distName, distributions.keys());
    ctx.report(m.unknownDistribution, stmt.dist.span, { name: distName, known, isFunction }, { hint });
  } else if (spec && stmt.args.length !== spec.parameters.length) {
    ctx.report(m.distributionArity, stmt.span, {
      dist: spec.name,
      params: spec.parameters.map((p) => p.name).join(', '),
      expected: spec.parameters.length,
      got: stmt.args.length,
    });
  } else if (spec) {
    const checkTarget = variable ? targetType : undefined;
    shapes = checkDistributionUse({ stmt, spec, target: checkTarget, targetVar: variable, args: argTypes }, ctx);
  }
  if (variable) {
    w.samples.push({
      stmt,
      variable,
      indices,
      loops,
      ...(spec ? { distribution: spec } : {}),
      shapes,
      analysable,
    });
  }
}

function checkAssign(stmt: AssignStmt, scope: Scope, w: Walk): void {
  const { ctx } = w;
  const e = env(scope, w);
  inferExpr(stmt.value, e);
  const { base } = splitTarget(stmt.target);
  if (base.kind === 'Error') return;
  const s = base.kind === 'NameRef' ? (scope.lookup(base.name) ?? ctx.topLevel(base.name)) : undefined;
  if (s && base.kind === 'NameRef') ctx.references.set(base.id, s);
  if (s?.kind === 'var' && s.role === 'param') ctx.report(m.assignToParam, stmt.target.span, { name: s.name });
  else if (s?.kind === 'var' && s.role !== 'param') {
    ctx.report(m.assignToObserved, stmt.target.span, { role: s.role, name: s.name });
  } else ctx.report(m.assignmentNotAllowed, stmt.target.span, { target: exprText(base) });
}
