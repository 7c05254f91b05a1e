/**
 * The runtime's own sources, read for `--standalone` fitters: given `@emforge/runtime` export
 * names (or `file#name` for a runtime declaration the package does not export), finds each
 * declaration in packages/runtime/src, follows what it references — top-level functions, consts,
 * interfaces, type aliases, classes, across the runtime's relative imports and re-exports — and
 * returns the closure, dependencies first, each declaration's text as the runtime has it (its
 * leading comment included) without `export`. Two different declarations with one name (a
 * file-private `EMPTY` in two files, say) keep the first name and rename the second (`EMPTY2`)
 * in its text and its users'; declarations with the same code (comments aside) are one.
 *
 * Parsing is syntax only (TypeScript's parser, no checker), file by file on first use, cached for
 * the process: the runtime's sources do not change while a compiler runs.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ts } from 'ts-morph';

let tsLib: typeof ts | undefined;

/** TypeScript's parser (through ts-morph), loaded on first use: only `compile --standalone` needs it. */
function typescript(): typeof ts {
  tsLib ??= (createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph')).ts;
  return tsLib;
}

/** One top-level declaration of the runtime (a function with its overloads, an interface with its merges). */
interface Unit {
  /** `file#name`, the file relative to the runtime's src/. */
  readonly key: string;
  readonly name: string;
  readonly module: Module;
  readonly statements: readonly ts.Statement[];
  readonly typeOnly: boolean;
  /** Resolved on first use: the identifiers in the statements that name runtime declarations. */
  refs?: readonly Ref[];
}

interface Ref {
  readonly start: number;
  readonly end: number;
  readonly target: Unit;
}

interface Module {
  readonly path: string;
  readonly file: ts.SourceFile;
  /** Top-level declarations by name (exported or not). */
  readonly units: ReadonlyMap<string, Unit>;
  /** Names this module exports from its own declarations: exported name → local name. */
  readonly ownExports: ReadonlyMap<string, string>;
  /** `export { a as b } from './x.js'`: exported name → (module path, name there). */
  readonly namedReExports: ReadonlyMap<string, { readonly from: string; readonly name: string }>;
  /** `export * from './x.js'`, in order. */
  readonly starReExports: readonly string[];
  /** Relative imports: local name → (module path, exported name there). */
  readonly imports: ReadonlyMap<string, { readonly from: string; readonly name: string }>;
}

/** A runtime declaration ready to print: its (possibly renamed) name and text. */
export interface RuntimeDeclaration {
  readonly key: string;
  readonly name: string;
  readonly text: string;
  /** An interface or a type alias. */
  readonly typeOnly: boolean;
  /** Exported by @emforge/runtime under `name` (so the import form can import it). */
  readonly exported: boolean;
}

/** The runtime package's src/ directory: @emforge/runtime as the compiler's node_modules resolve it. */
function findRuntimeSrc(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', '@emforge', 'runtime');
    if (existsSync(join(candidate, 'package.json'))) {
      const src = join(realpathSync(candidate), 'src');
      if (existsSync(join(src, 'index.ts'))) return src;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('codegen: cannot find the sources of @emforge/runtime (node_modules/@emforge/runtime/src)');
}

let srcDir: string | undefined;
const modules = new Map<string, Module>();

function runtimeSrc(): string {
  srcDir ??= findRuntimeSrc();
  return srcDir;
}

/** `./x.js` from `from` → the .ts path (a directory → its index.ts); undefined for a package import. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const path of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(path)) return path;
  }
  throw new Error(`codegen: cannot resolve '${specifier}' from ${from}`);
}

function hasExport(node: ts.Node): boolean {
  return (
    typescript().canHaveModifiers(node) &&
    (typescript().getModifiers(node) ?? []).some((m) => m.kind === typescript().SyntaxKind.ExportKeyword)
  );
}

/** The names a top-level statement declares. */
function declaredNames(statement: ts.Statement): string[] {
  if (
    typescript().isFunctionDeclaration(statement) ||
    typescript().isClassDeclaration(statement) ||
    typescript().isInterfaceDeclaration(statement) ||
    typescript().isTypeAliasDeclaration(statement) ||
    typescript().isEnumDeclaration(statement)
  ) {
    return statement.name ? [statement.name.text] : [];
  }
  if (typescript().isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) =>
      typescript().isIdentifier(d.name) ? [d.name.text] : [],
    );
  }
  return [];
}

const texts = new Map<string, string>();

function textOfFile(path: string): string {
  let text = texts.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    texts.set(path, text);
  }
  return text;
}

function loadModule(path: string): Module {
  const cached = modules.get(path);
  if (cached) return cached;
  const file = typescript().createSourceFile(path, textOfFile(path), typescript().ScriptTarget.Latest, true);
  const byName = new Map<string, ts.Statement[]>();
  const units = new Map<string, Unit>();
  const ownExports = new Map<string, string>();
  const namedReExports = new Map<string, { from: string; name: string }>();
  const starReExports: string[] = [];
  const imports = new Map<string, { from: string; name: string }>();
  const module: Module = { path, file, units, ownExports, namedReExports, starReExports, imports };
  for (const statement of file.statements) {
    if (typescript().isImportDeclaration(statement)) {
      const from = resolveSpecifier(path, (statement.moduleSpecifier as ts.StringLiteral).text);
      const bindings = statement.importClause?.namedBindings;
      if (from === undefined || !bindings) continue;
      if (typescript().isNamespaceImport(bindings)) imports.set(bindings.name.text, { from, name: '*' });
      else
        for (const el of bindings.elements)
          imports.set(el.name.text, { from, name: (el.propertyName ?? el.name).text });
      continue;
    }
    if (typescript().isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier as ts.StringLiteral | undefined;
      const from = specifier ? resolveSpecifier(path, specifier.text) : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (from) starReExports.push(from);
      } else if (typescript().isNamedExports(clause)) {
        for (const el of clause.elements) {
          const local = (el.propertyName ?? el.name).text;
          if (from) namedReExports.set(el.name.text, { from, name: local });
          else ownExports.set(el.name.text, local);
        }
      }
      continue;
    }
    const names = declaredNames(statement);
    for (const name of names) {
      byName.set(name, [...(byName.get(name) ?? []), statement]);
      if (hasExport(statement)) ownExports.set(name, name);
    }
  }
  const rel = relative(runtimeSrc(), path).split('\\').join('/');
  const byStatement = new Map<ts.Statement, Unit>();
  for (const [name, statements] of byName) {
    // A variable statement declaring several names is one unit, shared by its names.
    const shared = statements.length === 1 ? byStatement.get(statements[0]!) : undefined;
    const unit: Unit = shared ?? {
      key: `${rel}#${name}`,
      name,
      module,
      statements,
      typeOnly: statements.every(
        (s) => typescript().isInterfaceDeclaration(s) || typescript().isTypeAliasDeclaration(s),
      ),
    };
    if (statements.length === 1) byStatement.set(statements[0]!, unit);
    units.set(name, unit);
  }
  modules.set(path, module);
  return module;
}

/** The declaration a module exports as `name`, following re-exports; undefined if it exports no such name. */
function resolveExport(path: string, name: string, seen = new Set<string>()): Unit | undefined {
  if (seen.has(path)) return undefined;
  seen.add(path);
  // Parsing is the cost: a file that neither declares the name exported nor re-exports cannot export it.
  if (!modules.has(path)) {
    const text = textOfFile(path);
    const declares = new RegExp(
      `^export\\s+(?:declare\\s+|abstract\\s+|async\\s+)*(?:function\\*?|const|let|var|class|interface|type|enum)\\s+${name}\\b`,
      'm',
    );
    if (!declares.test(text) && !/^export (\*|\{)/m.test(text)) return undefined;
  }
  const module = loadModule(path);
  const local = module.ownExports.get(name);
  if (local !== undefined) return module.units.get(local) ?? resolveLocal(module, local);
  const named = module.namedReExports.get(name);
  if (named) return resolveExport(named.from, named.name, new Set());
  for (const from of module.starReExports) {
    const unit = resolveExport(from, name, seen);
    if (unit) return unit;
  }
  return undefined;
}

/** What a name means at the top level of a module: its own declaration, or what it imports. */
function resolveLocal(module: Module, name: string): Unit | undefined {
  const own = module.units.get(name);
  if (own) return own;
  const imported = module.imports.get(name);
  if (!imported || imported.name === '*') return undefined;
  const unit = resolveExport(imported.from, imported.name);
  if (!unit)
    throw new Error(`codegen: ${module.path} imports '${imported.name}', which ${imported.from} does not export`);
  return unit;
}

/** An identifier in a position where it names no variable or type (a property, a member, a label). */
function isMemberName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (typescript().isPropertyAccessExpression(parent)) return parent.name === node;
  if (typescript().isQualifiedName(parent)) return parent.right === node;
  if (
    typescript().isPropertyAssignment(parent) ||
    typescript().isPropertySignature(parent) ||
    typescript().isPropertyDeclaration(parent) ||
    typescript().isMethodDeclaration(parent) ||
    typescript().isMethodSignature(parent) ||
    typescript().isGetAccessorDeclaration(parent) ||
    typescript().isSetAccessorDeclaration(parent) ||
    typescript().isEnumMember(parent) ||
    typescript().isPropertyAccessChain(parent)
  ) {
    return parent.name === node;
  }
  if (typescript().isBindingElement(parent)) return parent.propertyName === node;
  if (typescript().isLabeledStatement(parent) || typescript().isBreakOrContinueStatement(parent)) return true;
  return false;
}

function refsOf(unit: Unit): readonly Ref[] {
  if (unit.refs) return unit.refs;
  const refs: Ref[] = [];
  const { module } = unit;
  const visit = (node: ts.Node): void => {
    if (typescript().isIdentifier(node) && !isMemberName(node)) {
      const target = resolveLocal(module, node.text);
      if (target) refs.push({ start: node.getStart(module.file), end: node.end, target });
      else if (module.imports.get(node.text)?.name === '*') {
        throw new Error(`codegen: ${unit.key} uses the namespace import '${node.text}', which cannot be inlined`);
      }
    } else if (typescript().isShorthandPropertyAssignment(node)) {
      const target = resolveLocal(module, node.name.text);
      if (target) refs.push({ start: node.name.getStart(module.file), end: node.name.end, target });
      return;
    }
    typescript().forEachChild(node, visit);
  };
  for (const statement of unit.statements) visit(statement);
  unit.refs = refs;
  return refs;
}

/** Where a statement's text starts: its comments when they touch it (no blank line between). */
function startWithComments(file: ts.SourceFile, statement: ts.Statement): number {
  const text = file.text;
  let start = statement.getStart(file);
  const ranges = typescript().getLeadingCommentRanges(text, statement.pos) ?? [];
  for (let i = ranges.length - 1; i >= 0; i--) {
    const range = ranges[i]!;
    const gap = text.slice(range.end, start);
    if ((gap.match(/\n/g) ?? []).length > 1) break;
    start = range.pos;
  }
  return start;
}

/** Whether the runtime's index exports `name` as this very declaration. */
function exportedAs(unit: Unit): boolean {
  return resolveExport(join(runtimeSrc(), 'index.ts'), unit.name) === unit;
}

/** The runtime declaration a request names: an export name, or `file#name` (file relative to src/). */
function requested(request: string): Unit {
  const hash = request.indexOf('#');
  if (hash < 0) {
    const unit = resolveExport(join(runtimeSrc(), 'index.ts'), request);
    if (!unit) throw new Error(`codegen: @emforge/runtime exports no '${request}'`);
    return unit;
  }
  const path = join(runtimeSrc(), request.slice(0, hash));
  const name = request.slice(hash + 1);
  const unit = existsSync(path) ? loadModule(path).units.get(name) : undefined;
  if (!unit) throw new Error(`codegen: no declaration '${name}' in runtime/src/${request.slice(0, hash)}`);
  return unit;
}

export interface InlineOptions {
  /** Names already taken in the generated file (imports, generated declarations): a runtime declaration with one is renamed. */
  readonly reserved?: Iterable<string>;
  /** Stop at runtime exports (the import form imports them; they are returned as `imported`). */
  readonly importExports?: boolean;
}

/**
 * The runtime declarations `requests` need, dependencies first, each once. With `importExports`,
 * a declaration the runtime exports is not inlined but listed in `imported` (with its own name),
 * unless it was requested with `file#name`.
 */
export function runtimeClosure(
  requests: readonly string[],
  options: InlineOptions = {},
): { readonly declarations: readonly RuntimeDeclaration[]; readonly imported: readonly RuntimeDeclaration[] } {
  const order: Unit[] = [];
  const imported: Unit[] = [];
  const state = new Map<Unit, 'visiting' | 'done'>();
  const forced = new Set<Unit>();
  const visit = (unit: Unit): void => {
    if (state.has(unit)) return;
    if (options.importExports && !forced.has(unit) && exportedAs(unit)) {
      state.set(unit, 'done');
      imported.push(unit);
      return;
    }
    state.set(unit, 'visiting');
    for (const ref of refsOf(unit)) if (ref.target !== unit) visit(ref.target);
    state.set(unit, 'done');
    order.push(unit);
  };
  const roots = requests.map(requested);
  for (const [i, unit] of roots.entries()) if (requests[i]!.includes('#')) forced.add(unit);
  for (const unit of roots) visit(unit);

  // Names: the first declaration keeps its name; a different one with the same name and the same
  // code (comments aside) is the same declaration; otherwise it is renamed.
  const taken = new Map<string, string>();
  for (const name of options.reserved ?? []) taken.set(name, '');
  for (const unit of imported) taken.set(unit.name, '');
  const names = new Map<Unit, string>();
  const texts = new Map<Unit, string>();
  const byText = new Map<string, Unit>();
  const kept: Unit[] = [];
  for (const unit of order) {
    const plain = textOf(unit, names);
    const same = byText.get(`${unit.name}\n${withoutComments(plain)}`);
    if (same) {
      names.set(unit, names.get(same)!);
      continue;
    }
    let name = unit.name;
    for (let n = 2; taken.has(name); n++) name = `${unit.name}${n}`;
    taken.set(name, plain);
    names.set(unit, name);
    byText.set(`${unit.name}\n${withoutComments(plain)}`, unit);
    texts.set(unit, name === unit.name ? plain : textOf(unit, names));
    kept.push(unit);
  }
  const declaration = (unit: Unit): RuntimeDeclaration => ({
    key: unit.key,
    name: names.get(unit) ?? unit.name,
    text: texts.get(unit) ?? '',
    typeOnly: unit.typeOnly,
    exported: exportedAs(unit),
  });
  return { declarations: kept.map(declaration), imported: imported.map(declaration) };
}

/** A declaration's code without its leading comments (which may differ between equal copies). */
function withoutComments(text: string): string {
  return text.replace(/^(\s*(\/\*[\s\S]*?\*\/|\/\/[^\n]*))*\s*/, '');
}

/** A unit's text, comments included, without `export`, with renamed references rewritten. */
function textOf(unit: Unit, names: ReadonlyMap<Unit, string>): string {
  const { file } = unit.module;
  const parts: string[] = [];
  for (const statement of unit.statements) {
    const start = startWithComments(file, statement);
    const codeStart = statement.getStart(file);
    let out = '';
    let at = start;
    for (const ref of refsOf(unit)) {
      if (ref.start < start || ref.end > statement.end) continue;
      const name = names.get(ref.target);
      if (name === undefined || name === ref.target.name) continue;
      out += file.text.slice(at, ref.start) + name;
      at = ref.end;
    }
    // A comment after the statement on its line (\`const X = 0.9189…; // log √(2π)\`) belongs to it.
    const trailing = typescript().getTrailingCommentRanges(file.text, statement.end) ?? [];
    const end =
      trailing.length > 0 && !file.text.slice(statement.end, trailing[0]!.pos).includes('\n')
        ? trailing[0]!.end
        : statement.end;
    out += file.text.slice(at, end);
    const comments = out.slice(0, codeStart - start);
    const code = out.slice(codeStart - start).replace(/^export\s+(default\s+)?/, '');
    parts.push(comments + code);
  }
  return parts.join('\n\n');
}

/** Whether @emforge/runtime exports `name`. */
export function isRuntimeExport(name: string): boolean {
  return resolveExport(join(runtimeSrc(), 'index.ts'), name) !== undefined;
}
