/**
 * Lowers a checked model to the runtime's `DataSchema`: its sizes (defaults, ragged structure)
 * and every `data` declaration's dims, element type and shape, so that data can be bound and
 * validated by the runtime alone (in the CLI and in generated fitters).
 */
import { type Expr, InternalError, printExpr, type VarDecl } from '@emforge/dsl';
import { type DataSchema, type DataVariableSchema, type DimEntry, isTypeBase, type SizeSchema } from '@emforge/runtime';
import type { CheckedModel } from '../check/check-model.js';

/** A dimension as a size name or literal; the checker allows nothing else in dims and types. */
function lowerDim(e: Expr, owner: string): DimEntry {
  if (e.kind === 'NameRef') return e.name;
  if (e.kind === 'NumberLit') return e.value;
  throw new InternalError(`data '${owner}' has a dimension '${printExpr(e)}' that the checker should have rejected`);
}

/** The declaration as written, for messages: `x[N]: real[D]?`. */
function declarationText(d: VarDecl): string {
  const dims = d.dims.map((e) => `[${printExpr(e)}]`).join('');
  const args = d.type.args.length > 0 ? `[${d.type.args.map(printExpr).join(', ')}]` : '';
  return `${d.name.name}${dims}: ${d.type.name.name}${args}${d.optional ? '?' : ''}`;
}

function lowerVariable(d: VarDecl): DataVariableSchema {
  const name = d.name.name;
  const element = d.type.name.name;
  if (!isTypeBase(element)) throw new InternalError(`data '${name}' has an unknown type '${element}' after checking`);
  const args = d.type.args.map((e) => lowerDim(e, name));
  const dims = d.dims.map((e) => lowerDim(e, name));
  const base = { name, dims, element, optional: d.optional, typeText: declarationText(d) };
  switch (element) {
    case 'cat': {
      const [categories] = args;
      return categories === undefined ? { ...base, shape: [] } : { ...base, shape: [], categories };
    }
    case 'cov':
      return { ...base, shape: args.length === 1 ? [args[0] as DimEntry, args[0] as DimEntry] : args };
    default:
      return { ...base, shape: args };
  }
}

export function lowerDataSchema(checked: CheckedModel): DataSchema {
  const sizes: SizeSchema[] = [...checked.symbols.sizes.values()].map((s) => {
    const out: { -readonly [K in keyof SizeSchema]: SizeSchema[K] } = { name: s.name };
    if (s.defaultValue !== undefined) out.default = s.defaultValue;
    if (s.over !== undefined) out.over = s.over;
    return out;
  });
  const data = [...checked.symbols.vars.values()].filter((v) => v.role === 'data').map((v) => lowerVariable(v.decl));
  return { model: checked.ast.name.name, sizes, data };
}
