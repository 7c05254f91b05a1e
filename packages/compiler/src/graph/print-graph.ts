/**
 * The model graph as text, for `emforge check --dump graph` and golden tests: the variables
 * with role, declaration, plates and families; each factor with its plates and, per
 * argument, how every variable enters it; then the dependencies.
 */
import type { Factor, ModelGraph, Plate, VariableUse } from './model-graph.js';

export function printGraph(graph: ModelGraph): string {
  const lines: string[] = [`graph ${graph.name}`, 'variables'];
  const width = Math.max(0, ...[...graph.variables.values()].map((v) => v.name.length + v.declared.length));
  for (const v of graph.variables.values()) {
    const facts: string[] = [];
    if (v.plates.length > 0) facts.push(`plates ${v.plates.map(printPlate).join(', ')}`);
    if (v.families.length > 0) facts.push(`~ ${v.families.join(', ')}`);
    if (v.optional) facts.push('missing entries allowed');
    const head = `${v.role.padEnd(6)} ${`${v.name}${v.declared}`.padEnd(width)}`;
    lines.push(`  ${facts.length > 0 ? `${head}  ${facts.join('; ')}` : head}`.trimEnd());
  }
  lines.push('factors');
  const number = new Map([...graph.factors.keys()].map((id, i) => [id, `f${i + 1}`]));
  for (const f of graph.factors.values()) {
    lines.push(`  ${number.get(f.id)} ${printFactorHead(f)}`);
    for (const arg of f.args) {
      const uses = arg.uses.map(printUse).join('; ');
      lines.push(`      ${arg.name} = ${arg.text}${uses ? `: ${uses}` : ''}`);
    }
  }
  lines.push('dependencies');
  if (graph.dependencies.length === 0) lines.push('  (none)');
  for (const d of graph.dependencies) {
    lines.push(`  ${d.parent} -> ${d.child}  (${d.kind}, ${number.get(d.factor) ?? '?'})`);
  }
  return `${lines.join('\n')}\n`;
}

function printFactorHead(f: Factor): string {
  const args = f.args.map((a) => a.text).join(', ');
  const plates = f.plates.length > 0 ? `  for ${f.plates.map(printPlate).join(', ')}` : '';
  return `${f.target} ~ ${f.family}(${args})${f.prior ? '  [prior]' : ''}${plates}`;
}

export function printPlate(p: Plate): string {
  return `${p.index} in ${p.range}${p.ragged ? ' (ragged)' : ''}`;
}

/** One use in words: `mu selected by z`, `f affine`, `beta linear predictor through logistic`. */
export function printUse(u: VariableUse): string {
  switch (u.kind) {
    case 'direct':
      return `${u.variable} direct`;
    case 'selected':
      return `${u.variable} selected by ${u.selectors.join(', ')}`;
    case 'selector':
      return `${u.variable} selects ${u.selects ?? '?'}`;
    case 'previous-step':
      return u.selects ? `${u.variable} previous step selects ${u.selects}` : `${u.variable} previous step`;
    case 'affine':
      return `${u.variable} affine in ${u.text}`;
    case 'linear-predictor':
      return `${u.variable} linear predictor${u.link ? ` through ${u.link}` : ''}`;
    case 'scale-divisor':
      return `${u.variable} divides the scale in ${u.text}`;
    case 'scaled':
      return `${u.variable} scaled in ${u.text}`;
    case 'expression':
      return `${u.variable} in expression ${u.text}`;
  }
}
