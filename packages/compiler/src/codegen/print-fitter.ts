/**
 * Prints a `FitterSource` as TypeScript text: the one formatting point of code generation
 * (two-space indentation, single quotes, a blank line between statements). A plain string
 * printer behind the ts-morph-shaped structures of fitter-source.ts.
 */
import type { Code, FitterSource, StatementStructure } from './fitter-source.js';

const INDENT = '  ';

/** Flattens `Code` into lines at `depth` levels of indentation (blank lines stay empty). */
export function printCode(code: Code, depth = 0): string[] {
  if (typeof code === 'string') return code === '' ? [''] : [`${INDENT.repeat(depth)}${code}`];
  return code.flatMap((c) => printCode(c, typeof c === 'string' ? depth : depth + 1));
}

function docComment(docs: readonly string[] | undefined, depth = 0): string[] {
  if (!docs || docs.length === 0) return [];
  const pad = INDENT.repeat(depth);
  if (docs.length === 1 && !docs[0]!.includes('*/')) return [`${pad}/** ${docs[0]} */`];
  return [`${pad}/**`, ...docs.map((d) => (d === '' ? `${pad} *` : `${pad} * ${d}`)), `${pad} */`];
}

function exported(s: { readonly isExported?: boolean }): string {
  return s.isExported ? 'export ' : '';
}

function printStatement(s: StatementStructure): string[] {
  switch (s.kind) {
    case 'raw':
      return s.text.replace(/\n+$/, '').split('\n');
    case 'interface':
      return [
        ...docComment(s.docs),
        `${exported(s)}interface ${s.name} {`,
        ...s.properties.flatMap((p) => [
          ...docComment(p.docs, 1),
          `${INDENT}${p.isReadonly ? 'readonly ' : ''}${p.name}${p.hasQuestionToken ? '?' : ''}: ${p.type};`,
        ]),
        '}',
      ];
    case 'type':
      return [...docComment(s.docs), `${exported(s)}type ${s.name} = ${s.type};`];
    case 'variable':
      return [
        ...docComment(s.docs),
        `${exported(s)}${s.declarationKind} ${s.name}${s.type ? `: ${s.type}` : ''} = ${s.initializer};`,
      ];
    case 'function': {
      const typeParams = s.typeParameters && s.typeParameters.length > 0 ? `<${s.typeParameters.join(', ')}>` : '';
      const params = s.parameters
        .map(
          (p) =>
            `${p.name}${p.hasQuestionToken ? '?' : ''}${p.type ? `: ${p.type}` : ''}${p.initializer ? ` = ${p.initializer}` : ''}`,
        )
        .join(', ');
      return [
        ...docComment(s.docs),
        `${exported(s)}function ${s.name}${typeParams}(${params})${s.returnType ? `: ${s.returnType}` : ''} {`,
        ...printCode(s.statements, 1),
        '}',
      ];
    }
  }
}

/** The module's text. */
export function printFitter(source: FitterSource): string {
  const parts: string[][] = [];
  parts.push(['/**', ...source.header.map((h) => (h === '' ? ' *' : ` * ${h}`)), ' */']);
  const imports = source.imports
    .filter((i) => i.namedImports.length + i.typeOnlyImports.length > 0)
    .map((i) => {
      const names = [...i.namedImports.map((n) => ({ n, t: false })), ...i.typeOnlyImports.map((n) => ({ n, t: true }))]
        .sort((a, b) => a.n.localeCompare(b.n))
        .map((x) => (x.t ? `type ${x.n}` : x.n));
      const line = `import { ${names.join(', ')} } from '${i.moduleSpecifier}';`;
      return line.length <= 120
        ? line
        : `import {\n${names.map((n) => `${INDENT}${n},`).join('\n')}\n} from '${i.moduleSpecifier}';`;
    });
  if (imports.length > 0) parts.push(imports);
  if (source.reExports && source.reExports.length > 0) parts.push([`export type { ${source.reExports.join(', ')} };`]);
  for (const s of source.statements) parts.push(printStatement(s));
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}
