/**
 * Coverage: every data and latent element has exactly one distribution statement, and a
 * param at most one (its prior). Each `~` target is read as a box of index ranges — one per
 * dimension, from the loop it is indexed by (`[lo, hi)`, bounds being constants or sizes
 * plus or minus a constant, sizes possibly ragged `T[s]`), a constant, or the whole
 * dimension. The boxes of all statements on a variable must tile its dimensions exactly.
 * The analysis splits each dimension at every bound any box uses (sizes are taken to exceed
 * every constant), so the HMM's `h[s][0]` and `h[s][t] for t in 1..T[s]` tile `h[S][T]`.
 */
import {
  type CoverageObstacle,
  checkNotes,
  type Expr,
  type ForStmt,
  checkMessages as m,
  type Span,
} from '@emforge/dsl';
import type { CheckContext } from './check-context.js';
import { exprText } from './expr-text.js';
import type { SampleRecord } from './sample-record.js';
import type { ModelSymbol, VarSymbol } from './symbols.js';
import type { Dim } from './value-type.js';

/** A symbolic position: a constant, or a size plus a constant (`T[s]` when ragged over loop `over`). */
interface Point {
  readonly size?: string;
  readonly offset: number;
  readonly over?: ForStmt;
}

/** What one target covers along one dimension: the whole of it, or `[lo, hi)`. */
type Component =
  | { readonly kind: 'all' }
  | { readonly kind: 'range'; readonly lo: Point; readonly hi: Point; readonly loop?: ForStmt };

interface Box {
  readonly record: SampleRecord;
  readonly components: readonly Component[];
}

/** Thrown inside the analysis of one variable when its boxes cannot be compared symbolically. */
class Unverifiable {
  constructor(readonly obstacle: CoverageObstacle) {}
}

/** Why a target's box cannot be worked out (reported by the caller). */
interface Obstacle {
  readonly obstacle: CoverageObstacle;
}

/** Checks the coverage of every variable by the recorded `~` statements. */
export function checkCoverage(
  records: readonly SampleRecord[],
  used: ReadonlySet<ModelSymbol>,
  ctx: CheckContext,
): void {
  const byVar = new Map<VarSymbol, SampleRecord[]>();
  for (const r of records) byVar.set(r.variable, [...(byVar.get(r.variable) ?? []), r]);
  for (const v of ctx.vars.values()) {
    const rs = byVar.get(v) ?? [];
    if (ctx.unreliable.has(v.name)) continue;
    if (rs.length === 0) {
      // Data without a distribution is a fixed input (a covariate) — unless nothing uses it,
      // or some of its entries are missing and so need a distribution.
      const covariate = v.role === 'data' && used.has(v) && !v.decl.optional;
      if (v.role !== 'param' && !covariate) {
        ctx.report(m.noDistribution, v.decl.name.span, {
          role: v.role === 'data' ? 'data' : 'latent',
          name: v.name,
          example: exampleStatement(v, ctx),
          unusedData: v.role === 'data' && !used.has(v),
        });
      }
      continue;
    }
    checkVariable(v, rs, ctx);
  }
}

function checkVariable(v: VarSymbol, records: readonly SampleRecord[], ctx: CheckContext): void {
  if (!v.type || records.some((r) => !r.analysable || r.loops.some((l) => ctx.brokenLoops.has(l.id)))) return;
  const rank = v.type.structure ? v.arrayRank : v.type.shape.length;
  const domain = v.type.shape.slice(0, rank);
  if (domain.some((d) => d.kind === 'unknown')) return;
  const boxes: Box[] = [];
  for (const r of records) {
    const box = targetBox(r, rank, ctx);
    if (box === 'reported') return;
    if ('obstacle' in box) {
      ctx.report(m.coverageUnverifiable, r.stmt.target.span, { name: v.name, obstacle: box.obstacle });
      return;
    }
    boxes.push(box);
  }
  try {
    const reported = new Set<string>();
    explore(v, domain, boxes, 0, [], ctx, reported);
  } catch (e) {
    if (!(e instanceof Unverifiable)) throw e;
    const at = (records[0] as SampleRecord).stmt.target.span;
    ctx.report(m.coverageUnverifiable, at, { name: v.name, obstacle: e.obstacle });
  }
}

/** A constant or size-relative bound written as `3`, `N`, `T[s]`, `N - 1`. */
function pointOf(e: Expr, ctx: CheckContext): Point | undefined {
  if (e.kind === 'NumberLit') return e.isInteger ? { offset: e.value } : undefined;
  if (e.kind === 'NameRef') {
    const s = ctx.references.get(e.id);
    return s?.kind === 'size' && s.over === undefined ? { size: s.name, offset: 0 } : undefined;
  }
  if (e.kind === 'Index' && e.target.kind === 'NameRef' && e.indices.length === 1) {
    const s = ctx.references.get(e.target.id);
    const i = e.indices[0] as Expr;
    const over = i.kind === 'NameRef' ? ctx.references.get(i.id) : undefined;
    if (s?.kind === 'size' && s.over !== undefined && over?.kind === 'index') {
      return { size: s.name, offset: 0, over: over.decl };
    }
    return undefined;
  }
  if (e.kind === 'Binary' && (e.op === '+' || e.op === '-')) {
    const sign = e.op === '+' ? 1 : -1;
    const l = pointOf(e.left, ctx);
    const r = pointOf(e.right, ctx);
    if (l && r && r.size === undefined) return { ...l, offset: l.offset + sign * r.offset };
    if (l && r && l.size === undefined && sign === 1) return { ...r, offset: r.offset + l.offset };
  }
  return undefined;
}

/** The box a target covers, or why it has none. */
function targetBox(r: SampleRecord, rank: number, ctx: CheckContext): Box | Obstacle | 'reported' {
  const components: Component[] = [];
  const used = new Map<ForStmt, number>();
  for (const [p, index] of r.indices.entries()) {
    if (p >= rank) return 'reported';
    const c = componentOf(index, r, ctx);
    if (c === undefined) {
      ctx.report(m.targetIndexNotAnalysable, index.span, { index: exprText(index), target: exprText(r.stmt.target) });
      return 'reported';
    }
    if ('obstacle' in c) return c;
    if (c.kind === 'range' && c.loop) used.set(c.loop, (used.get(c.loop) ?? 0) + 1);
    components.push(c);
  }
  for (const loop of r.loops) {
    const n = used.get(loop) ?? 0;
    if (n === 0) {
      ctx.report(m.repeatedInLoop, r.stmt.target.span, { target: exprText(r.stmt.target), index: loop.index.name });
      return 'reported';
    }
    if (n > 1) return { obstacle: { kind: 'index-twice', index: loop.index.name } };
  }
  // A ragged bound T[s] must be indexed by the loop of the dimension before it.
  for (const [p, c] of components.entries()) {
    if (c.kind !== 'range') continue;
    for (const point of [c.lo, c.hi]) {
      if (!point.over) continue;
      const before = components[p - 1];
      if (before?.kind !== 'range' || before.loop !== point.over) {
        return { obstacle: { kind: 'ragged', bound: exprText(c.loop?.hi ?? r.stmt.target) } };
      }
    }
  }
  while (components.length < rank) components.push({ kind: 'all' });
  return { record: r, components };
}

/** The component of one target index: a loop index (± a constant) or a constant. */
function componentOf(index: Expr, r: SampleRecord, ctx: CheckContext): Component | Obstacle | undefined {
  if (index.kind === 'NumberLit') {
    return index.isInteger
      ? { kind: 'range', lo: { offset: index.value }, hi: { offset: index.value + 1 } }
      : undefined;
  }
  let ref: Expr = index;
  let shift = 0;
  if (index.kind === 'Binary' && (index.op === '+' || index.op === '-') && index.right.kind === 'NumberLit') {
    if (!index.right.isInteger) return undefined;
    ref = index.left;
    shift = index.op === '+' ? index.right.value : -index.right.value;
  }
  if (ref.kind !== 'NameRef') return undefined;
  const s = ctx.references.get(ref.id);
  if (s?.kind !== 'index' || !r.loops.includes(s.decl)) return undefined;
  const loop = s.decl;
  const lo = loop.lo ? pointOf(loop.lo, ctx) : { offset: 0 };
  const hi = pointOf(loop.hi, ctx);
  if (!lo) return { obstacle: { kind: 'bound', bound: exprText(loop.lo as Expr) } };
  if (!hi) return { obstacle: { kind: 'bound', bound: exprText(loop.hi) } };
  return { kind: 'range', lo: { ...lo, offset: lo.offset + shift }, hi: { ...hi, offset: hi.offset + shift }, loop };
}

/** Orders two points; sizes are taken to exceed every constant. Different sizes do not compare. */
function comparePoints(a: Point, b: Point): number {
  if (a.size === b.size) return a.offset - b.offset;
  if (a.size === undefined) return -1;
  if (b.size === undefined) return 1;
  throw new Unverifiable({ kind: 'sizes', a: a.size, b: b.size });
}

function domainPoint(d: Dim): Point {
  return d.kind === 'size' ? { size: d.name, offset: 0 } : { offset: d.kind === 'const' ? d.value : 0 };
}

function covers(c: Component, lo: Point, hi: Point): boolean {
  return c.kind === 'all' || (comparePoints(c.lo, lo) <= 0 && comparePoints(hi, c.hi) <= 0);
}

/**
 * Splits dimension `p` into the pieces between consecutive bounds and follows each piece
 * with the boxes that cover it; reports pieces no box covers and elements two boxes cover.
 */
function explore(
  v: VarSymbol,
  domain: readonly Dim[],
  boxes: readonly Box[],
  p: number,
  prefix: readonly Piece[],
  ctx: CheckContext,
  reported: Set<string>,
): void {
  if (p === domain.length) {
    if (boxes.length > 1) reportOverlap(v, boxes, prefix, ctx, reported);
    return;
  }
  const dim = domain[p] as Dim;
  const start: Point = { offset: 0 };
  const end = domainPoint(dim);
  const points: Point[] = [start, end];
  for (const b of boxes) {
    const c = b.components[p] as Component;
    if (c.kind === 'range') points.push(c.lo, c.hi);
  }
  points.sort(comparePoints);
  const cuts = points.filter(
    (q, i) =>
      (i === 0 || comparePoints(points[i - 1] as Point, q) !== 0) &&
      comparePoints(start, q) <= 0 &&
      comparePoints(q, end) <= 0,
  );
  for (let i = 0; i + 1 < cuts.length; i++) {
    const lo = cuts[i] as Point;
    const hi = cuts[i + 1] as Point;
    const inside = boxes.filter((b) => covers(b.components[p] as Component, lo, hi));
    const piece = pieceOf(lo, hi, end, dim, inside, p, prefix, ctx);
    if (inside.length === 0) {
      if (v.role !== 'param') reportMissing(v, domain, [...prefix, piece], ctx);
      continue;
    }
    explore(v, domain, inside, p + 1, [...prefix, piece], ctx, reported);
  }
}

/** How one piece of a dimension is shown: a single index, the whole dimension, or a range. */
interface Piece {
  readonly kind: 'point' | 'whole' | 'range';
  readonly text: string;
}

function formatPoint(q: Point, prefix: readonly Piece[], p: number, ctx: CheckContext): string {
  if (q.size === undefined) return String(q.offset);
  const ragged = ctx.sizes.get(q.size)?.over !== undefined;
  const base = ragged ? `${q.size}[${prefix[p - 1]?.text ?? '?'}]` : q.size;
  return q.offset === 0 ? base : q.offset > 0 ? `${base}+${q.offset}` : `${base}${q.offset}`;
}

/** How the piece `[lo, hi)` of dimension `p` is written in messages: `0`, `t`, `T[s]-1`, `1..T[s]`. */
function pieceOf(
  lo: Point,
  hi: Point,
  end: Point,
  dim: Dim,
  inside: readonly Box[],
  p: number,
  prefix: readonly Piece[],
  ctx: CheckContext,
): Piece {
  if (lo.size === hi.size && hi.offset === lo.offset + 1)
    return { kind: 'point', text: formatPoint(lo, prefix, p, ctx) };
  if (lo.size === undefined && lo.offset === 0 && comparePoints(hi, end) === 0) {
    for (const b of inside) {
      const c = b.components[p] as Component;
      if (c.kind === 'range' && c.loop && c.lo.offset === 0 && c.lo.size === undefined) {
        return { kind: 'whole', text: c.loop.index.name };
      }
    }
    return { kind: 'whole', text: dim.kind === 'size' ? dim.name.toLowerCase() : 'i' };
  }
  return { kind: 'range', text: `${formatPoint(lo, prefix, p, ctx)}..${formatPoint(hi, prefix, p, ctx)}` };
}

function region(v: VarSymbol, pieces: readonly Piece[]): string {
  return `${v.name}${pieces.map((l) => `[${l.text}]`).join('')}`;
}

function reportMissing(v: VarSymbol, domain: readonly Dim[], pieces: readonly Piece[], ctx: CheckContext): void {
  // The statement that would fill the gap, inside loops for the pieces that are not single indices.
  const indices: string[] = [];
  const loops: string[] = [];
  pieces.forEach((piece, p) => {
    if (piece.kind === 'point') {
      indices.push(piece.text);
      return;
    }
    const dim = domain[p] as Dim;
    const name = piece.kind === 'whole' ? piece.text : dim.kind === 'size' ? dim.name.toLowerCase() : 'i';
    const ragged = dim.kind === 'size' && ctx.sizes.get(dim.name)?.over !== undefined;
    const whole = ragged ? `${formatDimBound(dim)}[${indices[p - 1] ?? '?'}]` : formatDimBound(dim);
    loops.push(`for ${name} in ${piece.kind === 'range' ? piece.text : whole} { `);
    indices.push(name);
  });
  const statement = `${v.name}${indices.map((i) => `[${i}]`).join('')} ~ …`;
  ctx.report(m.partlyUncovered, v.decl.name.span, {
    role: v.role === 'data' ? 'data' : 'latent',
    region: region(v, pieces),
    example: `\`${loops.join('')}${statement}${' }'.repeat(loops.length)}\``,
  });
}

function formatDimBound(d: Dim): string {
  return d.kind === 'size' ? d.name : d.kind === 'const' ? String(d.value) : '?';
}

function reportOverlap(
  v: VarSymbol,
  boxes: readonly Box[],
  pieces: readonly Piece[],
  ctx: CheckContext,
  reported: Set<string>,
): void {
  const [first, second] = boxes as [Box, Box];
  const key = `${first.record.stmt.id}/${second.record.stmt.id}`;
  if (reported.has(key)) return;
  reported.add(key);
  const related: { span: Span; message: string }[] = [
    { span: first.record.stmt.target.span, message: checkNotes.firstStatement() },
  ];
  ctx.report(m.coveredTwice, second.record.stmt.target.span, { role: v.role, region: region(v, pieces) }, { related });
}

/** `for n in N { z[n] ~ … }`, the statement a variable without one could get. */
function exampleStatement(v: VarSymbol, ctx: CheckContext): string {
  const taken = new Set<string>([...ctx.sizes.keys(), ...ctx.vars.keys()]);
  const loops: string[] = [];
  const indices: string[] = [];
  for (const d of v.decl.dims) {
    if (d.kind !== 'NameRef') return `\`${v.name}… ~ …\``;
    let name = d.name.toLowerCase();
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    const size = ctx.sizes.get(d.name);
    const bound = size?.over !== undefined ? `${d.name}[${indices[indices.length - 1] ?? '?'}]` : d.name;
    loops.push(`for ${name} in ${bound} { `);
    indices.push(name);
  }
  const target = `${v.name}${indices.map((i) => `[${i}]`).join('')} ~ …`;
  return `\`${loops.join('')}${target}${' }'.repeat(loops.length)}\``;
}
