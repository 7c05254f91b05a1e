/**
 * Lowers the program's constants (`2`, `D + 2`, `zeros(D)`, `0.5 * eye(D)`, a whole data
 * variable `Psi`) to code: a scalar constant becomes an expression used in place, a vector or
 * matrix one a `Work` buffer computed once per fit — the same arithmetic, entry by entry, as
 * the runtime's `constantValues` (em/mixture.ts).
 */
import { type ConstantValue, isScalarConstant } from '@emforge/runtime';
import { addWork, CodegenUnsupported, id, type MixtureContext, use, type View } from './mixture-context.js';

const ops = { '+': '+', '-': '-', '*': '*', '/': '/', '^': '**' } as const;

/** A scalar constant as an expression (sizes as locals, data as `bound.name[0]!`). */
export function scalarExpression(c: ConstantValue): string {
  switch (c.kind) {
    case 'number':
      return c.value < 0 || Object.is(c.value, -0) ? `(${c.value})` : String(c.value);
    case 'size':
      return id(c.name);
    case 'data':
      return `bound.${c.name}[0]!`;
    case 'neg':
      return `-${wrap(scalarExpression(c.operand))}`;
    case 'binary':
      return `${wrap(scalarExpression(c.left))} ${ops[c.op]} ${wrap(scalarExpression(c.right))}`;
    default:
      throw new CodegenUnsupported(`the constant ${JSON.stringify(c)} is not a number`);
  }
}

function wrap(e: string): string {
  return /^[\w.[\]!]+$/.test(e) ? e : `(${e})`;
}

/** A constant as an expression making a Float64Array (for work-buffer initialisers). */
function arrayExpression(ctx: MixtureContext, c: ConstantValue): string {
  if (isScalarConstant(c)) return `Float64Array.of(${scalarExpression(c)})`;
  switch (c.kind) {
    case 'vector':
      return `Float64Array.of(${c.values.join(', ')})`;
    case 'fill': {
      const d = typeof c.size === 'number' ? String(c.size) : id(c.size);
      if (c.fn === 'zeros') return `new Float64Array(${d})`;
      if (c.fn === 'ones') return `new Float64Array(${d}).fill(1)`;
      return `${use(ctx, 'eye')}(${d})`;
    }
    case 'data':
      return `bound.${c.name}.slice()`;
    case 'neg':
      return `${arrayExpression(ctx, c.operand)}.map((v) => -v)`;
    case 'binary':
      return `${use(ctx, 'combine')}(${arrayExpression(ctx, c.left)}, ${isScalarConstant(c.left)}, ${arrayExpression(ctx, c.right)}, ${isScalarConstant(c.right)}, (a, b) => a ${ops[c.op]} b)`;
    default:
      throw new CodegenUnsupported(`the constant ${JSON.stringify(c)}`);
  }
}

/** A view of a constant: the scalar in place, or a work buffer named `name`. */
export function constantView(ctx: MixtureContext, c: ConstantValue, name: string, what: string): View {
  if (isScalarConstant(c)) return { scalar: scalarExpression(c), array: '', offset: '0', step: '0', size: '1' };
  addWork(ctx, { name, docs: what, type: 'Float64Array', size: '', init: arrayExpression(ctx, c) });
  return { array: `work.${name}`, offset: '0', step: '0', size: `work.${name}.length` };
}

/** A constant's value as a number (scalar) or an array expression, for prior and rule arguments. */
export function constantArgument(ctx: MixtureContext, c: ConstantValue, name: string, what: string): string {
  const v = constantView(ctx, c, name, what);
  return v.scalar ?? v.array;
}
