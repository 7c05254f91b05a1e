/**
 * `FitterSource`: the structure code generation builds before printing a fitter. Its statement
 * kinds mirror ts-morph's statement structures (`InterfaceDeclarationStructure`,
 * `FunctionDeclarationStructure`, `VariableStatementStructure`, `TypeAliasDeclarationStructure`)
 * field for field, so the lowering (`lower-*.ts`) does not depend on how it is printed:
 * print-fitter.ts maps each onto ts-morph's own structure and ts-morph prints the module.
 * Function bodies are `Code`: lines, with a nested array for one level of indentation.
 */

/** Lines of code; a nested array is indented one level deeper than its surroundings. */
export type Code = string | readonly Code[];

export interface PropertyStructure {
  readonly name: string;
  readonly type: string;
  readonly isReadonly?: boolean;
  readonly hasQuestionToken?: boolean;
  readonly docs?: readonly string[];
}

export interface ParameterStructure {
  readonly name: string;
  readonly type?: string;
  readonly initializer?: string;
  readonly hasQuestionToken?: boolean;
}

interface StatementBase {
  readonly name: string;
  readonly isExported?: boolean;
  /** The doc comment's lines (printed as one `/** … *\/` block). */
  readonly docs?: readonly string[];
}

export interface InterfaceStructure extends StatementBase {
  readonly kind: 'interface';
  readonly properties: readonly PropertyStructure[];
}

export interface FunctionStructure extends StatementBase {
  readonly kind: 'function';
  readonly typeParameters?: readonly string[];
  readonly parameters: readonly ParameterStructure[];
  readonly returnType?: string;
  readonly statements: readonly Code[];
}

export interface VariableStructure extends StatementBase {
  readonly kind: 'variable';
  readonly declarationKind: 'const' | 'let';
  readonly type?: string;
  readonly initializer: string;
}

export interface TypeAliasStructure extends StatementBase {
  readonly kind: 'type';
  readonly type: string;
}

/** Verbatim source: a runtime helper inlined by `--standalone` (already formatted). */
export interface RawStructure {
  readonly kind: 'raw';
  readonly name: string;
  readonly text: string;
}

export type StatementStructure =
  | InterfaceStructure
  | FunctionStructure
  | VariableStructure
  | TypeAliasStructure
  | RawStructure;

export interface ImportStructure {
  readonly moduleSpecifier: string;
  /** Value imports, then type-only ones (`type FitResult`). */
  readonly namedImports: readonly string[];
  readonly typeOnlyImports: readonly string[];
}

/** One generated module: the header comment, its imports and its statements in order. */
export interface FitterSource {
  readonly header: readonly string[];
  readonly imports: readonly ImportStructure[];
  readonly statements: readonly StatementStructure[];
  /** Names re-exported from the imports (`export type { FitResult }`). */
  readonly reExports?: readonly string[];
}
