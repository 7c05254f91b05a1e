/**
 * Checks one use of a distribution, `target ~ Dist(args)`, against its signature in the
 * runtime's registry: the target must lie in the support, each argument must fit its
 * parameter's type, and the shape variables of the signature (`K` in `simplex[K]`, `D` in
 * `cov[D]`) must bind to the same dimension everywhere. The target binds first, so a
 * mismatch is reported at the argument, where the user wrote the inconsistent value.
 * Elementwise (scalar) distributions broadcast: arguments are scalars or have the target's shape.
 */
import { checkNotes, type DimConflict, type Expr, checkMessages as m, type SampleStmt } from '@emforge/dsl';
import {
  type DistributionSpec,
  formatTypeAlternative,
  parseTypePattern,
  type ShapeEntry,
  type TypeAlternative,
} from '@emforge/runtime';
import type { CheckContext } from './check-context.js';
import { exprText } from './expr-text.js';
import { type Interval, isWithin, nonNegativeReals, positiveReals, realLine, unitInterval } from './interval.js';
import type { VarSymbol } from './symbols.js';
import { type Dim, dimsMatch, formatDim, formatType, type ValueType } from './value-type.js';

export interface DistributionUse {
  readonly stmt: SampleStmt;
  readonly spec: DistributionSpec;
  readonly target: ValueType | undefined;
  /** The variable the target belongs to, when it is one. */
  readonly targetVar: VarSymbol | undefined;
  readonly args: readonly (ValueType | undefined)[];
}

interface ParsedSpec {
  readonly accepts: readonly TypeAlternative[];
  readonly params: readonly (readonly TypeAlternative[])[];
}

const parsed = new Map<DistributionSpec, ParsedSpec>();

function parsedSpec(spec: DistributionSpec): ParsedSpec {
  let p = parsed.get(spec);
  if (!p) {
    const accepts = (spec.accepts ?? [spec.support]).flatMap((t) => parseTypePattern(t));
    p = { accepts, params: spec.parameters.map((q) => parseTypePattern(q.type)) };
    parsed.set(spec, p);
  }
  return p;
}

/** What a shape variable is bound to, and the value that bound it (for messages). */
interface Binding {
  readonly dim: Dim;
  readonly text: string;
  readonly type: ValueType;
}

type Fit =
  | { readonly ok: true; readonly binds: readonly (readonly [ShapeEntry, Dim])[] }
  | { readonly ok: false; readonly reason: 'kind' | 'range' };

const ranges: Record<string, Interval> = {
  real: realLine,
  positive: positiveReals,
  prob: unitInterval,
  int: realLine,
  count: nonNegativeReals,
};

/**
 * Whether a value of type `t` fits one alternative of a signature type. With `broadcast`,
 * only the entries are compared (the caller checks shapes). `promoteIntegers` lets integer
 * data stand for real values, as in Stan.
 */
function fit(t: ValueType, alt: TypeAlternative, broadcast: boolean, promoteIntegers: boolean): Fit {
  switch (alt.base) {
    case 'cat':
      if (!t.categories || t.shape.length !== 0) return { ok: false, reason: 'kind' };
      return { ok: true, binds: [[alt.shape[0] ?? 'K', t.categories]] };
    case 'simplex':
      if (t.structure !== 'simplex' || t.shape.length !== 1) return { ok: false, reason: 'kind' };
      return { ok: true, binds: [[alt.shape[0] ?? 'K', t.shape[0] as Dim]] };
    case 'cov': {
      if (t.structure !== 'cov' || t.shape.length !== 2) return { ok: false, reason: 'kind' };
      const d = alt.shape[0] ?? 'D';
      return {
        ok: true,
        binds: [
          [d, t.shape[0] as Dim],
          [d, t.shape[1] as Dim],
        ],
      };
    }
    default: {
      if (t.categories) return { ok: false, reason: 'kind' };
      if (!broadcast && t.shape.length !== alt.shape.length) return { ok: false, reason: 'kind' };
      const discrete = alt.base === 'int' || alt.base === 'count';
      if (discrete && !t.integer) return { ok: false, reason: 'range' };
      if (!discrete && t.integer && !promoteIntegers && !t.fixed) return { ok: false, reason: 'kind' };
      if (!isWithin(t.range, ranges[alt.base] ?? realLine)) return { ok: false, reason: 'range' };
      const binds = broadcast ? [] : alt.shape.map((s, i) => [s, t.shape[i] as Dim] as const);
      return { ok: true, binds };
    }
  }
}

function formatAlternative(alt: TypeAlternative, bindings: ReadonlyMap<string, Binding>): string {
  const shape = alt.shape.map((s) => {
    const b = typeof s === 'string' ? bindings.get(s) : undefined;
    return b && b.dim.kind !== 'unknown' ? formatDim(b.dim) : String(s);
  });
  return formatTypeAlternative({ base: alt.base, shape });
}

/** Why `got` cannot be `expected`, in the catalogue's terms. */
export function dimConflict(got: Dim, expected: Dim, ctx: CheckContext): DimConflict {
  if (got.kind === 'size' && expected.kind === 'size') return { kind: 'sizes', got: got.name, expected: expected.name };
  if (got.kind === 'const' && expected.kind === 'const')
    return { kind: 'lengths', got: got.value, expected: expected.value };
  const size = got.kind === 'size' ? got : expected;
  const constant = got.kind === 'const' ? got : expected;
  if (size.kind !== 'size' || constant.kind !== 'const') return { kind: 'rank' };
  const defaultValue = ctx.sizeDefault(size.name);
  return defaultValue === undefined
    ? { kind: 'length', size: size.name, length: constant.value }
    : { kind: 'length', size: size.name, length: constant.value, defaultValue };
}

function originNotes(dims: readonly Dim[]) {
  return dims.flatMap((d) =>
    d.kind !== 'unknown' && d.origin
      ? [{ span: d.origin.span, message: checkNotes.dimensionOrigin(d.origin.owner, formatDim(d)) }]
      : [],
  );
}

/** Checks the use and returns what each shape variable of the signature was bound to. */
export function checkDistributionUse(use: DistributionUse, ctx: CheckContext): ReadonlyMap<string, Dim> {
  const { stmt, spec, target } = use;
  const sig = parsedSpec(spec);
  const bindings = new Map<string, Binding>();
  const dist = spec.name;
  const targetText = exprText(stmt.target);
  let broadcastShape: { shape: readonly Dim[]; text: string; type: ValueType } | undefined;

  if (target) {
    const promote = use.targetVar?.role === 'data';
    const fits = sig.accepts.map((alt) => fit(target, alt, spec.elementwise, promote));
    const good = fits.find((f) => f.ok);
    if (!good?.ok) {
      ctx.report(m.notInSupport, stmt.target.span, {
        dist,
        target: targetText,
        targetType: formatType(target),
        support: sig.accepts.map((a) => formatTypeAlternative(a)).join(' or '),
        ...(use.targetVar ? { variable: use.targetVar.name, role: use.targetVar.role } : {}),
      });
    } else {
      for (const [v, dim] of good.binds) {
        if (typeof v === 'string' && !bindings.has(v)) bindings.set(v, { dim, text: targetText, type: target });
      }
      if (spec.elementwise) broadcastShape = { shape: target.shape, text: targetText, type: target };
    }
  }

  spec.parameters.forEach((param, i) => {
    const argExpr = stmt.args[i] as Expr;
    const t = use.args[i];
    const alts = sig.params[i] ?? [];
    if (!t || !argExpr) return;
    const argText = exprText(argExpr);
    const what = `the ${param.name} of ${dist}`;

    if (spec.elementwise && t.shape.length > 0) {
      if (!broadcastShape) broadcastShape = { shape: t.shape, text: argText, type: t };
      else if (!checkBroadcast(t, argExpr, what, broadcastShape, ctx)) return;
    }

    const fits = alts.map((alt) => fit(t, alt, spec.elementwise, true));
    let shapeFailure: { got: Dim; expected: Binding } | undefined;
    for (const f of fits) {
      if (!f.ok) continue;
      const conflict = firstConflict(f.binds, bindings, ctx);
      if (!conflict) {
        for (const [v, dim] of f.binds) {
          if (typeof v === 'string' && !bindings.has(v)) bindings.set(v, { dim, text: argText, type: t });
        }
        return;
      }
      shapeFailure ??= conflict;
    }
    const required = alts.map((a) => formatAlternative(a, bindings)).join(' or ');
    const variable = declaredVariable(argExpr, ctx);
    if (shapeFailure) {
      ctx.report(
        m.shapeMismatch,
        argExpr.span,
        {
          what,
          got: formatType(t),
          other: shapeFailure.expected.text,
          otherType: formatType(shapeFailure.expected.type),
          conflict: dimConflict(shapeFailure.got, shapeFailure.expected.dim, ctx),
        },
        { related: originNotes([shapeFailure.got, shapeFailure.expected.dim]) },
      );
    } else if (fits.some((f) => !f.ok && f.reason === 'range')) {
      ctx.report(m.argumentOutOfRange, argExpr.span, {
        dist,
        param: param.name,
        description: param.description,
        arg: argText,
        got: formatType(t),
        required,
        ...(variable ? { variable } : {}),
      });
    } else {
      ctx.report(m.argumentWrongKind, argExpr.span, {
        dist,
        param: param.name,
        arg: argText,
        got: formatType(t),
        required,
        ...(variable ? { variable } : {}),
      });
    }
  });

  const out = new Map<string, Dim>();
  for (const [v, b] of bindings) out.set(v, b.dim);
  return out;
}

/** The first binding that contradicts an earlier one, without committing any. */
function firstConflict(
  binds: readonly (readonly [ShapeEntry, Dim])[],
  bindings: ReadonlyMap<string, Binding>,
  ctx: CheckContext,
): { got: Dim; expected: Binding } | undefined {
  for (const [v, dim] of binds) {
    if (typeof v === 'number') continue;
    const b = bindings.get(v);
    if (b && !dimsMatch(dim, b.dim, ctx.sizeDefault)) return { got: dim, expected: b };
  }
  return undefined;
}

/** A non-scalar argument of an elementwise distribution must have the broadcast shape. */
function checkBroadcast(
  t: ValueType,
  argExpr: Expr,
  what: string,
  against: { shape: readonly Dim[]; text: string; type: ValueType },
  ctx: CheckContext,
): boolean {
  let conflict: DimConflict | undefined;
  let dims: Dim[] = [];
  if (t.shape.length !== against.shape.length) conflict = { kind: 'rank' };
  else {
    const i = t.shape.findIndex((d, k) => !dimsMatch(d, against.shape[k] as Dim, ctx.sizeDefault));
    if (i >= 0) {
      dims = [t.shape[i] as Dim, against.shape[i] as Dim];
      conflict = dimConflict(dims[0] as Dim, dims[1] as Dim, ctx);
    }
  }
  if (!conflict) return true;
  ctx.report(
    m.shapeMismatch,
    argExpr.span,
    { what, got: formatType(t), other: against.text, otherType: formatType(against.type), conflict },
    { related: originNotes(dims) },
  );
  return false;
}

/** The declared variable an argument is (an element of), for "declare x as …" hints. */
function declaredVariable(e: Expr, ctx: CheckContext): string | undefined {
  let base = e;
  while (base.kind === 'Index') base = base.target;
  if (base.kind !== 'NameRef') return undefined;
  const s = ctx.references.get(base.id);
  return s?.kind === 'var' ? s.name : undefined;
}
