/**
 * A fast-check arbitrary of well-formed model ASTs, for the printer/parser round trip and as
 * seeds for the parser fuzzer. It covers every node kind except `Error` and every field,
 * optional ones both present and absent: all three roles, `?`, ragged sizes and defaults,
 * nested loops with and without a lower bound, vector literals, calls, chained indexing, and
 * unary / binary / power operators nested in any order. Trees are generated as plain specs
 * and then built with one fresh `AstFactory` each, so ids are unique within a tree.
 */
import { AstFactory, type BinaryOp, type Expr, type Item, type Model, noSpan, type VarRole } from '@emforge/dsl';
import fc from 'fast-check';

const keywords = new Set(['model', 'size', 'data', 'param', 'latent', 'let', 'for', 'in']);

// ---------------------------------------------------------------- specs (nodes without ids and spans)

type ExprSpec =
  | { kind: 'NumberLit'; value: number; isInteger: boolean }
  | { kind: 'NameRef'; name: string }
  | { kind: 'Index'; target: ExprSpec; indices: ExprSpec[] }
  | { kind: 'Call'; callee: string; args: ExprSpec[] }
  | { kind: 'Binary'; op: BinaryOp; left: ExprSpec; right: ExprSpec }
  | { kind: 'Unary'; operand: ExprSpec }
  | { kind: 'VectorLit'; elements: ExprSpec[] };

interface TypeSpec {
  name: string;
  args: ExprSpec[];
}

interface SizeItemSpec {
  name: string;
  over: string | undefined;
  value: ExprSpec | undefined;
}

type ItemSpec =
  | { kind: 'SizeDecl'; items: SizeItemSpec[] }
  | { kind: 'VarDecl'; role: VarRole; name: string; dims: ExprSpec[]; type: TypeSpec; optional: boolean }
  | { kind: 'LetDecl'; name: string; value: ExprSpec }
  | { kind: 'For'; index: string; lo: ExprSpec | undefined; hi: ExprSpec; body: ItemSpec[] }
  | { kind: 'Sample'; target: ExprSpec; dist: string; args: ExprSpec[] }
  | { kind: 'Assign'; target: ExprSpec; value: ExprSpec };

interface ModelSpec {
  name: string;
  body: ItemSpec[];
}

// ---------------------------------------------------------------- leaves

/** Identifiers: mostly short, sometimes long, never a keyword. */
export const identifierArb: fc.Arbitrary<string> = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('x', 'y', 'z', 'n', 'N', 'K', 'mu', 'Sigma', 'T', 'S', 'e', 'E', 'in_', 'i2'),
    },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/) },
    { weight: 1, arbitrary: fc.constantFrom(...keywords).map((k) => `${k}s`) },
  )
  .filter((s) => !keywords.has(s));

/** Mostly small numbers, sometimes huge or tiny ones (`1e+21`, `5e-324`) that stress the printer. */
const integerValue = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 20 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.constantFrom(1e21, 2 ** 60, 1e300) },
);
const realValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 0.5, 3, 2.5, 1e-3, 0.1 + 0.2) },
  { weight: 2, arbitrary: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(1e21, 5e-324, Number.MAX_VALUE, 1e-7) },
);

const numberArb: fc.Arbitrary<ExprSpec> = fc.oneof(
  integerValue.map((value) => ({ kind: 'NumberLit' as const, value, isInteger: true })),
  realValue
    .filter((v) => !Object.is(v, -0) && Number.isFinite(v))
    .map((value) => ({ kind: 'NumberLit' as const, value, isInteger: false })),
);

const nameRefArb: fc.Arbitrary<ExprSpec> = identifierArb.map((name) => ({ kind: 'NameRef' as const, name }));

// ---------------------------------------------------------------- expressions and items

const ops: BinaryOp[] = ['+', '-', '*', '/', '^'];

const tree = fc.letrec<{ expr: ExprSpec; item: ItemSpec }>((tie) => {
  const expr = tie('expr');
  const args = (min: number) => fc.array(expr, { minLength: min, maxLength: 3 });
  return {
    expr: fc.oneof(
      { depthSize: 'small', maxDepth: 5 },
      numberArb,
      nameRefArb,
      fc.record({ kind: fc.constant('Index' as const), target: expr, indices: args(1) }),
      fc.record({ kind: fc.constant('Call' as const), callee: identifierArb, args: args(0) }),
      fc.record({ kind: fc.constant('Binary' as const), op: fc.constantFrom(...ops), left: expr, right: expr }),
      fc.record({ kind: fc.constant('Unary' as const), operand: expr }),
      fc.record({ kind: fc.constant('VectorLit' as const), elements: args(0) }),
    ),
    item: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      fc.record({
        kind: fc.constant('SizeDecl' as const),
        items: fc.array(
          fc.record({
            name: identifierArb,
            over: fc.option(identifierArb, { nil: undefined }),
            value: fc.option(expr, { nil: undefined }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      fc.record({
        kind: fc.constant('VarDecl' as const),
        role: fc.constantFrom<VarRole>('data', 'param', 'latent'),
        name: identifierArb,
        dims: fc.array(expr, { maxLength: 2 }),
        type: fc.record({ name: identifierArb, args: fc.array(expr, { maxLength: 2 }) }),
        optional: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('LetDecl' as const), name: identifierArb, value: expr }),
      fc.record({ kind: fc.constant('Sample' as const), target: expr, dist: identifierArb, args: args(0) }),
      fc.record({ kind: fc.constant('Assign' as const), target: expr, value: expr }),
      fc.record({
        kind: fc.constant('For' as const),
        index: identifierArb,
        lo: fc.option(expr, { nil: undefined }),
        hi: expr,
        body: fc.array(tie('item'), { maxLength: 3 }),
      }),
    ),
  };
});

const modelSpecArb: fc.Arbitrary<ModelSpec> = fc.record({
  name: identifierArb,
  body: fc.array(tree.item, { maxLength: 8 }),
});

// ---------------------------------------------------------------- building

function buildExpr(make: AstFactory, e: ExprSpec): Expr {
  const s = noSpan;
  switch (e.kind) {
    case 'NumberLit':
      return make.number(s, e.value, e.isInteger);
    case 'NameRef':
      return make.nameRef(s, e.name);
    case 'Index':
      return make.index(
        s,
        buildExpr(make, e.target),
        e.indices.map((i) => buildExpr(make, i)),
      );
    case 'Call':
      return make.call(
        s,
        make.identifier(s, e.callee),
        e.args.map((a) => buildExpr(make, a)),
      );
    case 'Binary':
      return make.binary(s, e.op, buildExpr(make, e.left), buildExpr(make, e.right));
    case 'Unary':
      return make.unary(s, '-', buildExpr(make, e.operand));
    case 'VectorLit':
      return make.vector(
        s,
        e.elements.map((x) => buildExpr(make, x)),
      );
  }
}

function buildItem(make: AstFactory, item: ItemSpec): Item {
  const s = noSpan;
  const id = (name: string) => make.identifier(s, name);
  const ex = (e: ExprSpec) => buildExpr(make, e);
  switch (item.kind) {
    case 'SizeDecl':
      return make.sizeDecl(
        s,
        item.items.map((i) => {
          const options: { over?: ReturnType<typeof id>; value?: Expr } = {};
          if (i.over !== undefined) options.over = id(i.over);
          if (i.value !== undefined) options.value = ex(i.value);
          return make.sizeItem(s, id(i.name), options);
        }),
      );
    case 'VarDecl':
      return make.varDecl(
        s,
        item.role,
        id(item.name),
        item.dims.map(ex),
        make.type(s, id(item.type.name), item.type.args.map(ex)),
        item.optional,
      );
    case 'LetDecl':
      return make.letDecl(s, id(item.name), ex(item.value));
    case 'For':
      return make.forStmt(
        s,
        id(item.index),
        item.lo === undefined ? undefined : ex(item.lo),
        ex(item.hi),
        item.body.map((b) => buildItem(make, b)),
      );
    case 'Sample':
      return make.sample(s, ex(item.target), id(item.dist), item.args.map(ex));
    case 'Assign':
      return make.assign(s, ex(item.target), ex(item.value));
  }
}

function buildModel(spec: ModelSpec): Model {
  const make = new AstFactory();
  return make.model(
    noSpan,
    make.identifier(noSpan, spec.name),
    spec.body.map((item) => buildItem(make, item)),
  );
}

/** Random well-formed models (no `Error` nodes), each built with its own factory and `noSpan`. */
export const arbitraryModel: fc.Arbitrary<Model> = modelSpecArb.map(buildModel);
