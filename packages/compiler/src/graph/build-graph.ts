/**
 * Builds the ModelGraph from a checked model: one random variable per declared data, param
 * and latent; one factor per `~` statement with its plates and the uses of every variable in
 * its arguments; and the parent → child dependencies. Reports dependency cycles (E3001),
 * which no inference strategy can handle.
 */
import {
  type Diagnostic,
  type ForStmt,
  graphMessages,
  makeDiagnostic,
  type NodeId,
  type PhaseResult,
  printExpr,
} from '@emforge/dsl';
import type { CheckedModel } from '../check/check-model.js';
import type { SampleRecord } from '../check/sample-record.js';
import { formatDim } from '../check/value-type.js';
import { describeUses } from './describe-uses.js';
import type { Dependency, Factor, FactorArgument, ModelGraph, Plate, RandomVariable } from './model-graph.js';

const scaleParameters = new Set(['sd', 'cov', 'scale']);

export function makeModelGraph(checked: CheckedModel): PhaseResult<ModelGraph> {
  const factors = new Map<NodeId, Factor>();
  const records = [...checked.samples.values()]
    .flat()
    .sort((a, b) => a.stmt.span.start - b.stmt.span.start || a.stmt.id - b.stmt.id);
  for (const record of records) {
    const factor = makeFactor(record, checked);
    if (factor) factors.set(factor.id, factor);
  }

  const variables = new Map<string, RandomVariable>();
  for (const symbol of checked.symbols.vars.values()) {
    const own = [...factors.values()].filter((f) => f.child === symbol.name);
    const plates = new Map<NodeId, Plate>();
    for (const f of own) for (const p of f.plates) plates.set(p.id, p);
    const decl = symbol.decl;
    const dims = decl.dims.length > 0 ? `[${decl.dims.map(printExpr).join('][')}]` : '';
    const typeArgs = decl.type.args.length > 0 ? `[${decl.type.args.map(printExpr).join(', ')}]` : '';
    const variable: { -readonly [K in keyof RandomVariable]: RandomVariable[K] } = {
      name: symbol.name,
      role: symbol.role,
      declared: `${dims}: ${decl.type.name.name}${typeArgs}${decl.optional ? '?' : ''}`,
      arrayRank: symbol.arrayRank,
      optional: decl.optional,
      plates: [...plates.values()],
      factors: own.map((f) => f.id),
      families: own.map((f) => f.family),
      span: decl.name.span,
    };
    if (symbol.type) variable.type = symbol.type;
    if (symbol.type?.categories) variable.categories = formatDim(symbol.type.categories);
    variables.set(symbol.name, variable);
  }

  const dependencies: Dependency[] = [];
  for (const f of factors.values()) {
    for (const arg of f.args) {
      for (const u of arg.uses) {
        if (u.variable === f.child && u.kind === 'previous-step') continue;
        if (
          dependencies.some(
            (d) => d.parent === u.variable && d.child === f.child && d.factor === f.id && d.kind === u.kind,
          )
        )
          continue;
        dependencies.push({ parent: u.variable, child: f.child, factor: f.id, kind: u.kind });
      }
    }
  }

  const graph: ModelGraph = { name: checked.ast.name.name, variables, factors, dependencies, checked };
  return { value: graph, diagnostics: findCycles(graph) };
}

function makeFactor(record: SampleRecord, checked: CheckedModel): Factor | undefined {
  const spec = record.distribution;
  if (!spec || !record.analysable) return undefined;
  const targetIndices = record.indices.map(printExpr);
  const args: FactorArgument[] = record.stmt.args.map((expr, i) => {
    const name = spec.parameters[i]?.name ?? `arg${i}`;
    const ctx = { checked, child: record.variable.name, targetIndices, scaleArgument: scaleParameters.has(name) };
    return { name, expr, text: printExpr(expr), uses: describeUses(expr, ctx) };
  });
  return {
    id: record.stmt.id,
    stmt: record.stmt,
    child: record.variable.name,
    childRole: record.variable.role,
    target: printExpr(record.stmt.target),
    indices: targetIndices,
    plates: record.loops.map((loop) => makePlate(loop, checked)),
    family: spec.name,
    distribution: spec,
    args,
    prior: record.variable.role === 'param',
  };
}

function makePlate(loop: ForStmt, checked: CheckedModel): Plate {
  const hi = loop.hi;
  const range = loop.lo ? `${printExpr(loop.lo)}..${printExpr(hi)}` : printExpr(hi);
  const boundName =
    hi.kind === 'NameRef' ? hi.name : hi.kind === 'Index' && hi.target.kind === 'NameRef' ? hi.target.name : undefined;
  const size = boundName !== undefined ? checked.symbols.sizes.get(boundName) : undefined;
  const offset = loop.lo !== undefined && !(loop.lo.kind === 'NumberLit' && loop.lo.value === 0);
  const plate: { -readonly [K in keyof Plate]: Plate[K] } = {
    id: loop.id,
    index: loop.index.name,
    range,
    ragged: size?.over !== undefined,
    offset,
  };
  if (size) plate.size = size.name;
  return plate;
}

/** A cycle among variables (a child that is, through other variables, its own parent). */
function findCycles(graph: ModelGraph): Diagnostic[] {
  const parents = new Map<string, Set<string>>();
  for (const d of graph.dependencies) {
    if (d.parent === d.child) continue;
    parents.set(d.child, new Set([...(parents.get(d.child) ?? []), d.parent]));
  }
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const start of graph.variables.keys()) {
    const path = findPath(start, start, parents, new Set());
    if (!path || path.some((v) => reported.has(v))) continue;
    for (const v of path) reported.add(v);
    const variable = graph.variables.get(start);
    const factor = variable?.factors[0] !== undefined ? graph.factors.get(variable.factors[0]) : undefined;
    diagnostics.push(
      makeDiagnostic(graphMessages.dependencyCycle, factor?.stmt.span ?? variable?.span, { cycle: [start, ...path] }),
    );
  }
  return diagnostics;
}

function findPath(
  from: string,
  to: string,
  parents: ReadonlyMap<string, ReadonlySet<string>>,
  seen: Set<string>,
): string[] | undefined {
  for (const p of parents.get(from) ?? []) {
    if (p === to) return [p];
    if (seen.has(p)) continue;
    seen.add(p);
    const rest = findPath(p, to, parents, seen);
    if (rest) return [p, ...rest];
  }
  return undefined;
}
