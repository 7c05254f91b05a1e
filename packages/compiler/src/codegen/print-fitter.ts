/**
 * Prints a `FitterSource` as TypeScript text with ts-morph: the one formatting point of code
 * generation. `toSourceFileStructure` turns the lowering's structures (fitter-source.ts) into
 * ts-morph's own `StatementStructures` (imports, interfaces, functions, variable statements,
 * type aliases; the inlined runtime helpers as verbatim text), and ts-morph prints them into an
 * in-memory source file with the project's settings: two-space indentation, single quotes, a
 * blank line between statements, imports longer than a line one name per line.
 */
import { createRequire } from 'node:module';
import type {
  CodeBlockWriter,
  ExportDeclarationStructure,
  FunctionDeclarationStructure,
  ImportDeclarationStructure,
  InterfaceDeclarationStructure,
  Project,
  SourceFileStructure,
  StatementStructures,
  TypeAliasDeclarationStructure,
  VariableStatementStructure,
  WriterFunction,
} from 'ts-morph';
import type { Code, FitterSource, ImportStructure, StatementStructure } from './fitter-source.js';

type TsMorph = typeof import('ts-morph');
let tsMorph: TsMorph | undefined;

/**
 * ts-morph, loaded on first use: it brings the whole TypeScript compiler (about 100 MB and a
 * second of start-up), which every other command of the CLI must not pay for.
 */
function morph(): TsMorph {
  tsMorph ??= createRequire(import.meta.url)('ts-morph') as TsMorph;
  return tsMorph;
}

/** An import longer than this is printed one name per line. */
const LINE_WIDTH = 120;

/** Writes `Code` line by line; a nested array is one indentation level deeper. */
export function writeCode(writer: CodeBlockWriter, code: Code): void {
  if (typeof code === 'string') {
    if (code === '') writer.newLine();
    else writer.writeLine(code);
    return;
  }
  for (const c of code) {
    if (typeof c === 'string') writeCode(writer, c);
    else writer.indent(() => writeCode(writer, c));
  }
}

/** A doc comment's lines as ts-morph's one JSDoc (one line: `/** … *\/`, more: a block). */
function jsDocs(docs: readonly string[] | undefined): string[] | undefined {
  return docs && docs.length > 0 ? [docs.join('\n')] : undefined;
}

/** Each statement after the first starts after a blank line (ts-morph leaves none between variables). */
const blankLine: WriterFunction = (writer) => {
  writer.blankLineIfLastNot();
};

/** One lowering structure as ts-morph's statement structure (verbatim text for a raw one). */
export function toStatementStructure(s: StatementStructure): StatementStructures | WriterFunction {
  switch (s.kind) {
    case 'raw': {
      const text = s.text.replace(/\n+$/, '');
      return (writer) => {
        writer.blankLineIfLastNot();
        writer.write(text);
      };
    }
    case 'interface':
      return {
        kind: morph().StructureKind.Interface,
        leadingTrivia: blankLine,
        name: s.name,
        isExported: s.isExported === true,
        docs: jsDocs(s.docs),
        properties: s.properties.map((p) => ({
          name: p.name,
          type: p.type,
          isReadonly: p.isReadonly === true,
          hasQuestionToken: p.hasQuestionToken === true,
          docs: jsDocs(p.docs),
        })),
      } satisfies InterfaceDeclarationStructure;
    case 'type':
      return {
        kind: morph().StructureKind.TypeAlias,
        leadingTrivia: blankLine,
        name: s.name,
        isExported: s.isExported === true,
        docs: jsDocs(s.docs),
        type: s.type,
      } satisfies TypeAliasDeclarationStructure;
    case 'variable':
      return {
        kind: morph().StructureKind.VariableStatement,
        leadingTrivia: blankLine,
        isExported: s.isExported === true,
        docs: jsDocs(s.docs),
        declarationKind:
          s.declarationKind === 'const' ? morph().VariableDeclarationKind.Const : morph().VariableDeclarationKind.Let,
        declarations: [{ name: s.name, type: s.type, initializer: s.initializer }],
      } satisfies VariableStatementStructure;
    case 'function': {
      const body = s.statements;
      return {
        kind: morph().StructureKind.Function,
        leadingTrivia: blankLine,
        name: s.name,
        isExported: s.isExported === true,
        docs: jsDocs(s.docs),
        typeParameters: s.typeParameters ? [...s.typeParameters] : undefined,
        parameters: s.parameters.map((p) => ({
          name: p.name,
          type: p.type,
          initializer: p.initializer,
          hasQuestionToken: p.hasQuestionToken === true,
        })),
        returnType: s.returnType,
        statements: (writer) => writeCode(writer, body),
      } satisfies FunctionDeclarationStructure;
    }
  }
}

/** An import of the runtime: value and type-only names sorted together, one per line if long. */
function toImportStructure(i: ImportStructure): ImportDeclarationStructure {
  const names = [
    ...i.namedImports.map((name) => ({ name, isTypeOnly: false })),
    ...i.typeOnlyImports.map((name) => ({ name, isTypeOnly: true })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const oneLine = `import { ${names.map((n) => (n.isTypeOnly ? `type ${n.name}` : n.name)).join(', ')} } from '${i.moduleSpecifier}';`;
  return {
    kind: morph().StructureKind.ImportDeclaration,
    moduleSpecifier: i.moduleSpecifier,
    namedImports:
      oneLine.length <= LINE_WIDTH
        ? names
        : (writer) => {
            // the specifier writer is already one level in
            writer.newLine();
            for (const n of names) writer.writeLine(`${n.isTypeOnly ? 'type ' : ''}${n.name},`);
          },
  };
}

/** The module as ts-morph's source-file structure: the header comment, imports, re-exports, statements. */
export function toSourceFileStructure(source: FitterSource): SourceFileStructure {
  const header = ['/**', ...source.header.map((h) => (h === '' ? ' *' : ` * ${h}`)), ' */'].join('\n');
  const imports = source.imports.filter((i) => i.namedImports.length + i.typeOnlyImports.length > 0);
  const reExports: ExportDeclarationStructure[] =
    source.reExports && source.reExports.length > 0
      ? [
          {
            kind: morph().StructureKind.ExportDeclaration,
            leadingTrivia: blankLine,
            isTypeOnly: true,
            namedExports: [...source.reExports],
          },
        ]
      : [];
  return {
    kind: morph().StructureKind.SourceFile,
    statements: [
      header,
      ...imports.map((i, k) => ({ ...toImportStructure(i), ...(k === 0 ? { leadingTrivia: blankLine } : {}) })),
      ...reExports,
      ...source.statements.map(toStatementStructure),
    ],
  };
}

let project: Project | undefined;

/** One in-memory project for every fitter printed in this process (no type-checking, no disk). */
function printingProject(): Project {
  project ??= new (morph().Project)({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: morph().IndentationText.TwoSpaces,
      quoteKind: morph().QuoteKind.Single,
      newLineKind: morph().NewLineKind.LineFeed,
    },
  });
  return project;
}

/** The module's text, printed by ts-morph. */
export function printFitter(source: FitterSource): string {
  const file = printingProject().createSourceFile('fitter.ts', toSourceFileStructure(source), { overwrite: true });
  const text = file.getFullText();
  file.forget();
  return text;
}
