/**
 * The first checking pass: collects every size and variable declaration into the symbol
 * table, and checks the declarations themselves — duplicates, declarations inside `for`,
 * size defaults, ragged sizes, `?` on non-data, element types and their shapes.
 * Sizes and variables are visible in the whole model, wherever they are declared.
 */
import {
  checkNotes,
  didYouMean,
  type Expr,
  type Item,
  type Model,
  checkMessages as m,
  type NameKind,
  type SizeItem,
  type Span,
  type TypeExpr,
  type VarDecl,
  type VarRole,
} from '@emforge/dsl';
import type { CheckContext } from './check-context.js';
import { exprText } from './expr-text.js';
import { type Interval, interval, nonNegativeReals, positiveReals, realLine, unitInterval } from './interval.js';
import { declarationSpan, type ModelSymbol, nameKind } from './symbols.js';
import type { Dim, ValueType } from './value-type.js';

const elementTypes = ['real', 'positive', 'prob', 'int', 'count', 'cat', 'simplex', 'cov'] as const;
type ElementTypeName = (typeof elementTypes)[number];

/** How many shape arguments each element type takes. */
const shapeArity: Record<ElementTypeName, { min: number; max: number }> = {
  real: { min: 0, max: 2 },
  positive: { min: 0, max: 2 },
  prob: { min: 0, max: 2 },
  int: { min: 0, max: 2 },
  count: { min: 0, max: 2 },
  cat: { min: 1, max: 1 },
  simplex: { min: 1, max: 1 },
  cov: { min: 1, max: 1 },
};

function isElementTypeName(name: string): name is ElementTypeName {
  return (elementTypes as readonly string[]).includes(name);
}

/** Collects and checks all size and variable declarations of the model. */
export function collectDeclarations(model: Model, ctx: CheckContext): void {
  const sizeItems: SizeItem[] = [];
  const varDecls: VarDecl[] = [];
  const visit = (items: readonly Item[], inLoop: boolean): void => {
    for (const item of items) {
      if (item.kind === 'For') visit(item.body, true);
      else if (item.kind === 'SizeDecl') {
        for (const size of item.items) {
          if (inLoop) {
            ctx.report(m.declarationInLoop, size.name.span, { role: 'size', name: size.name.name });
          }
          sizeItems.push(size);
        }
      } else if (item.kind === 'VarDecl') {
        if (inLoop) {
          ctx.report(m.declarationInLoop, item.name.span, { role: item.role, name: item.name.name });
          ctx.unreliable.add(item.name.name);
        }
        varDecls.push(item);
      }
    }
  };
  visit(model.body, false);
  // Sizes first, so that variable dims can refer to sizes declared after them.
  const roles = new Map<string, VarRole>();
  for (const decl of varDecls) if (!roles.has(decl.name.name)) roles.set(decl.name.name, decl.role);
  for (const size of sizeItems) addSize(size, ctx);
  for (const size of sizeItems) checkRaggedParent(size, roles, ctx);
  for (const decl of varDecls) addVariable(decl, roles, ctx);
}

/** What a top-level name is, when variables may not be in the table yet. */
function kindOf(name: string, roles: ReadonlyMap<string, VarRole>, ctx: CheckContext): NameKind | undefined {
  const symbol = ctx.topLevel(name);
  return symbol ? nameKind(symbol) : roles.get(name);
}

function reportDuplicate(name: string, span: Span, first: ModelSymbol, ctx: CheckContext): void {
  ctx.report(
    m.duplicateDeclaration,
    span,
    { name, first: nameKind(first) },
    { related: [{ span: declarationSpan(first), message: checkNotes.firstDeclared(name) }] },
  );
}

function addSize(size: SizeItem, ctx: CheckContext): void {
  const name = size.name.name;
  if (name === '') return;
  const existing = ctx.topLevel(name);
  if (existing) {
    reportDuplicate(name, size.name.span, existing, ctx);
    return;
  }
  let defaultValue: number | undefined;
  if (size.value && size.value.kind !== 'Error') {
    const v = size.value;
    if (v.kind === 'NumberLit' && v.isInteger && v.value >= 1) defaultValue = v.value;
    else ctx.report(m.badSizeDefault, v.span, { name, text: exprText(v) });
  }
  ctx.sizes.set(name, {
    kind: 'size',
    name,
    decl: size,
    ...(size.over && size.over.name !== '' ? { over: size.over.name } : {}),
    ...(defaultValue !== undefined ? { defaultValue } : {}),
  });
}

/** A ragged size `T[S]` needs `S` to be a plain size; otherwise `T` is unusable (and quiet). */
function checkRaggedParent(size: SizeItem, roles: ReadonlyMap<string, VarRole>, ctx: CheckContext): void {
  const over = size.over;
  const symbol = ctx.sizes.get(size.name.name);
  if (!over || over.name === '' || !symbol || symbol.decl !== size) return;
  const parent = ctx.sizes.get(over.name);
  if (parent && parent.over === undefined) return;
  ctx.poisoned.add(symbol);
  const kind = kindOf(over.name, roles, ctx);
  const problem = parent ? 'ragged' : (kind ?? 'undeclared');
  const plainSizes = [...ctx.sizes.values()].filter((s) => s.over === undefined).map((s) => s.name);
  const hint = kind === undefined ? didYouMean(over.name, plainSizes) : undefined;
  ctx.report(m.raggedOverNotSize, over.span, { name: size.name.name, over: over.name, problem }, { hint });
}

function addVariable(decl: VarDecl, roles: ReadonlyMap<string, VarRole>, ctx: CheckContext): void {
  const name = decl.name.name;
  if (name === '') return;
  const existing = ctx.topLevel(name);
  if (existing) {
    reportDuplicate(name, decl.name.span, existing, ctx);
    return;
  }
  if (decl.optional && decl.role !== 'data') {
    ctx.report(m.optionalNotData, decl.type.span, { role: decl.role, name });
  }
  const dimension = (d: Expr, previous?: Expr | 'element') => declaredDimension(d, name, roles, ctx, previous);
  const arrayDims = decl.dims.map((d, i) => dimension(d, i > 0 ? decl.dims[i - 1] : undefined));
  const element = elementType(decl, (d) => dimension(d, 'element'), ctx);
  // A declaration with a mistake gets no type, so that its uses are not reported again.
  const type = element && arrayDims.every((d) => d !== undefined) ? element(arrayDims as Dim[]) : undefined;
  ctx.vars.set(name, { kind: 'var', name, role: decl.role, decl, arrayRank: decl.dims.length, type });
}

/**
 * The dimension a declaration writes as `expr`: a size name or a positive integer literal;
 * undefined when it is neither (reported, unless an earlier mistake explains it).
 * `previous` is the array dimension before it, which a ragged size must follow.
 */
function declaredDimension(
  expr: Expr,
  owner: string,
  roles: ReadonlyMap<string, VarRole>,
  ctx: CheckContext,
  previous?: Expr | 'element',
): Dim | undefined {
  const origin = { span: expr.span, owner };
  if (expr.kind === 'Error') return undefined;
  if (expr.kind === 'NumberLit') {
    if (expr.isInteger && expr.value >= 1) return { kind: 'const', value: expr.value, origin };
    ctx.report(m.badDimension, expr.span, { text: exprText(expr), what: 'not-integer' });
    return undefined;
  }
  if (expr.kind !== 'NameRef') {
    ctx.report(m.badDimension, expr.span, { text: exprText(expr), what: 'expression' });
    return undefined;
  }
  const symbol = ctx.topLevel(expr.name);
  const role = roles.get(expr.name);
  if (!symbol && role) {
    ctx.report(m.badDimension, expr.span, { text: expr.name, what: role });
    return undefined;
  }
  if (!symbol) {
    const hint = didYouMean(expr.name, ctx.sizes.keys());
    ctx.report(m.unknownName, expr.span, { name: expr.name, expected: 'size' }, { hint });
    return undefined;
  }
  ctx.references.set(expr.id, symbol);
  if (symbol.kind !== 'size') {
    ctx.report(m.badDimension, expr.span, { text: expr.name, what: nameKind(symbol) });
    return undefined;
  }
  if (ctx.poisoned.has(symbol)) return undefined;
  if (symbol.over !== undefined) {
    const parentOk =
      previous !== undefined && previous !== 'element' && previous.kind === 'NameRef' && previous.name === symbol.over;
    if (!parentOk) {
      ctx.report(m.raggedSizePlacement, expr.span, { name: symbol.name, over: symbol.over });
      return undefined;
    }
  }
  return { kind: 'size', name: symbol.name, origin };
}

/**
 * The element type of a declaration, as a function of the array dims in front of it
 * (`x[N]: real[D]` has shape [N, D]); undefined after reporting a mistake in the type.
 */
function elementType(
  decl: VarDecl,
  dimension: (e: Expr) => Dim | undefined,
  ctx: CheckContext,
): ((arrayDims: readonly Dim[]) => ValueType) | undefined {
  const t: TypeExpr = decl.type;
  const typeName = t.name.name;
  if (typeName === '') return undefined;
  if (!isElementTypeName(typeName)) {
    ctx.report(m.unknownType, t.name.span, { name: typeName }, { hint: didYouMean(typeName, elementTypes) });
    return undefined;
  }
  const arity = shapeArity[typeName];
  if (t.args.length < arity.min || t.args.length > arity.max) {
    ctx.report(m.typeShapeArity, t.span, { type: typeName, got: t.args.length });
    return undefined;
  }
  const maybeDims = t.args.map(dimension);
  if (maybeDims.some((d) => d === undefined)) return undefined;
  const dims = maybeDims as Dim[];
  const fixed = decl.role === 'data';
  if (decl.role === 'param' && (typeName === 'int' || typeName === 'count' || typeName === 'cat')) {
    ctx.report(m.discreteParam, t.span, { name: decl.name.name, type: typeName });
    ctx.unreliable.add(decl.name.name);
  }
  const numeric = (range: Interval, integer: boolean) => (arrayDims: readonly Dim[]) => ({
    shape: [...arrayDims, ...dims],
    range,
    integer,
    fixed,
  });
  switch (typeName) {
    case 'real':
      return numeric(realLine, false);
    case 'positive':
      return numeric(positiveReals, false);
    case 'prob':
      return numeric(unitInterval, false);
    case 'int':
      return numeric(realLine, true);
    case 'count':
      return numeric(nonNegativeReals, true);
    case 'cat': {
      const k = dims[0] as Dim;
      const range = k.kind === 'const' ? interval(0, k.value - 1) : nonNegativeReals;
      return (arrayDims) => ({ shape: arrayDims, range, integer: true, categories: k, fixed });
    }
    case 'simplex':
      return (arrayDims) => ({
        shape: [...arrayDims, ...dims],
        range: unitInterval,
        integer: false,
        structure: 'simplex',
        fixed,
      });
    case 'cov': {
      const d = dims[0] as Dim;
      return (arrayDims) => ({ shape: [...arrayDims, d, d], range: realLine, integer: false, structure: 'cov', fixed });
    }
  }
}
