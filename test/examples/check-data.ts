/**
 * A small, independent check that an example's data file fits its model, for the examples
 * test until the real data readers exist: every `data` name has a value, arrays nest as
 * declared (dims, then the element's shape), sizes agree wherever they are used, `null` only
 * where the type says `?`, categories lie in 0 … K−1, counts are non-negative integers and
 * simplex rows sum to 1.
 */
import type { Expr, Model, TypeExpr, VarDecl } from '@emforge/dsl';

type Json = unknown;

export function checkData(model: Model, data: Record<string, Json>): string[] {
  const problems: string[] = [];
  const ragged = new Set<string>();
  const defaults = new Map<string, number>();
  const decls: VarDecl[] = [];
  for (const item of model.body) {
    if (item.kind === 'SizeDecl') {
      for (const s of item.items) {
        if (s.over) ragged.add(s.name.name);
        if (s.value?.kind === 'NumberLit') defaults.set(s.name.name, s.value.value);
      }
    }
    if (item.kind === 'VarDecl' && item.role === 'data') decls.push(item);
  }
  const bound = new Map<string, number>();
  const bind = (size: Expr, length: number, where: string): void => {
    if (size.kind === 'NumberLit') {
      if (size.value !== length) problems.push(`${where}: length ${length}, declared ${size.value}`);
      return;
    }
    if (size.kind !== 'NameRef' || ragged.has(size.name)) return;
    const known = bound.get(size.name);
    if (known === undefined) bound.set(size.name, length);
    else if (known !== length) problems.push(`${where}: length ${length}, but ${size.name} = ${known} elsewhere`);
  };
  const resolve = (size: Expr | undefined): number | undefined => {
    if (size?.kind === 'NumberLit') return size.value;
    if (size?.kind === 'NameRef') return bound.get(size.name) ?? defaults.get(size.name);
    return undefined;
  };

  const leaves: { decl: VarDecl; value: Json; where: string }[] = [];
  for (const decl of decls) {
    const name = decl.name.name;
    if (!(name in data)) {
      problems.push(`no value for data '${name}'`);
      continue;
    }
    const shape = [...decl.dims, ...elementShape(decl.type)];
    const visit = (value: Json, level: number, where: string): void => {
      if (level === shape.length) {
        leaves.push({ decl, value, where });
        return;
      }
      if (value === null && decl.optional) return;
      if (!Array.isArray(value)) {
        problems.push(`${where}: expected an array (level ${level + 1} of ${shape.length})`);
        return;
      }
      bind(shape[level] as Expr, value.length, where);
      value.forEach((v, i) => {
        visit(v, level + 1, `${where}[${i}]`);
      });
    };
    visit(data[name], 0, name);
  }
  for (const { decl, value, where } of leaves) problems.push(...checkScalar(decl, value, where, resolve));
  for (const decl of decls.filter((d) => d.type.name.name === 'simplex')) {
    const rows: Json[] = [];
    const collect = (v: Json, level: number): void => {
      if (level === decl.dims.length) rows.push(v);
      else if (Array.isArray(v)) for (const x of v) collect(x, level + 1);
    };
    collect(data[decl.name.name], 0);
    for (const row of rows) {
      if (!Array.isArray(row)) continue;
      const sum = row.reduce((a: number, b: unknown) => a + (typeof b === 'number' ? b : 0), 0);
      if (Math.abs(sum - 1) > 1e-9) problems.push(`${decl.name.name}: a simplex row sums to ${sum}`);
    }
  }
  return [...new Set(problems)];
}

/** The shape of one element: `real[D]` → [D], `cov[D]` → [D, D], `cat[K]` → []. */
function elementShape(type: TypeExpr): Expr[] {
  const [first] = type.args;
  switch (type.name.name) {
    case 'cat':
      return [];
    case 'simplex':
      return first ? [first] : [];
    case 'cov':
      return first ? [first, first] : [];
    default:
      return [...type.args];
  }
}

function checkScalar(
  decl: VarDecl,
  value: Json,
  where: string,
  resolve: (e: Expr | undefined) => number | undefined,
): string[] {
  if (value === null) return decl.optional ? [] : [`${where}: null, but '${decl.name.name}' is not declared with ?`];
  if (typeof value !== 'number' || !Number.isFinite(value)) return [`${where}: not a finite number`];
  const type = decl.type.name.name;
  const integral = type === 'cat' || type === 'count' || type === 'int';
  if (integral && !Number.isInteger(value)) return [`${where}: ${value} is not an integer`];
  if ((type === 'count' || type === 'cat') && value < 0) return [`${where}: ${value} is negative`];
  if (type === 'cat') {
    const k = resolve(decl.type.args[0]);
    if (k !== undefined && value >= k) return [`${where}: category ${value} is not below ${k}`];
  }
  if ((type === 'positive' && value <= 0) || ((type === 'prob' || type === 'simplex') && (value < 0 || value > 1))) {
    return [`${where}: ${value} is outside the support of ${type}`];
  }
  return [];
}
