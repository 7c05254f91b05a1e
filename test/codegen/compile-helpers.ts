/**
 * Shared by the code-generation tests: plan a model, generate its fitter (either form), and
 * compile generated fitters to JavaScript with the TypeScript compiler API in one program —
 * `@emforge/runtime` resolved to the workspace's sources, which are compiled along so that the
 * output runs under plain node — then run a script against them in a child `node` process.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitFitter, lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { renderDiagnostics, SourceFile } from '@emforge/dsl';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const runtimeSource = join(root, 'packages/runtime/src/index.ts');

/** The fitter's source for a model text, or throws with the rendered diagnostics. */
export function generateFitter(path: string, text: string, standalone: boolean): string {
  const source = new SourceFile(path, text);
  const outcome = planSource(source);
  const lowered = lowerProgram(outcome);
  if (!lowered.value || !outcome.checked) {
    throw new Error(renderDiagnostics([...outcome.diagnostics, ...lowered.diagnostics], { source: () => source }));
  }
  const emitted = emitFitter(outcome, lowered.value, lowerDataSchema(outcome.checked), { standalone });
  if (!emitted.value) throw new Error(renderDiagnostics(emitted.diagnostics, { source: () => source }));
  return emitted.value;
}

/** The program kinds code generation handles today. */
export const compiledKinds: readonly string[] = [
  'mixture',
  'chain',
  'scale-mixture',
  'missing-gaussian',
  'linear-gaussian',
  'mean-field',
  'variational',
];

/** The kind a model lowers to (`mixture` for a FitProgram), or undefined when it does not lower. */
export function programKind(text: string): string | undefined {
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value;
  return program === undefined ? undefined : (program.kind ?? 'mixture');
}

/** Whether a model lowers to a mixture FitProgram. */
export function isMixtureModel(text: string): boolean {
  return programKind(text) === 'mixture';
}

/** The examples whose fitters are generated and checked (every one of a kind in `compiledKinds`). */
export function exampleNames(): string[] {
  return [
    'abo-blood-groups',
    'factor-analysis',
    'gamma-mixture',
    'gmm-missing',
    'hmm-dishonest-casino',
    'hmm-gaussian',
    'iris-gmm',
    'lda',
    'linear-gaussian-chain',
    'mixture-factor-analysers',
    'mvn-missing',
    'old-faithful-gmm',
    'poisson-lognormal',
    'poisson-mixture-map',
    'ppca',
    'student-t-scale-mixture',
    't-mixture',
  ];
}

export interface CompiledFitters {
  readonly dir: string;
  /** The emitted JavaScript of each generated file, by its name without `.ts`. */
  readonly js: (name: string) => string;
  /** tsc diagnostics in the generated files (the runtime's own are not theirs). */
  readonly errors: readonly string[];
  readonly cleanup: () => void;
}

/**
 * Writes `files` (name → TypeScript source) to a temporary directory and compiles them in one
 * program under `--strict` (and noUncheckedIndexedAccess, as this repository), emitting ES2023
 * modules; `@emforge/runtime` type-checks against the workspace's sources, which are transpiled
 * into `node_modules/@emforge/runtime` for running.
 */
export function compileFitters(files: Readonly<Record<string, string>>): CompiledFitters {
  const dir = mkdtempSync(join(tmpdir(), 'emforge-codegen-'));
  const src = join(dir, 'src');
  const out = join(dir, 'out');
  mkdirSync(src);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(src, `${name}.ts`), text);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    types: [],
    outDir: out,
    rootDir: '/',
    paths: { '@emforge/runtime': [runtimeSource] },
  };
  const names = Object.keys(files).map((n) => join(src, `${n}.ts`));
  const program = ts.createProgram(names, options);
  // Only the generated files are checked and emitted through the program (the runtime has its own typecheck).
  const generated = program.getSourceFiles().filter((f) => f.fileName.startsWith(src));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...generated.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ...generated.flatMap((f) => program.emit(f).diagnostics),
  ];
  const errors = diagnostics.map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const at = d.file ? `${d.file.fileName.slice(src.length + 1)}:${(where?.line ?? 0) + 1}: ` : '';
    return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  // The runtime's sources transpiled file by file as the package @emforge/runtime, with its one dependency.
  const runtimeDir = join(dir, 'node_modules/@emforge/runtime');
  const runtimeSrc = join(root, 'packages/runtime/src');
  for (const file of readdirSync(runtimeSrc, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const js = ts.transpileModule(readFileSync(join(runtimeSrc, file), 'utf8'), {
      compilerOptions: { target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
    }).outputText;
    mkdirSync(dirname(join(runtimeDir, file)), { recursive: true });
    writeFileSync(join(runtimeDir, file.replace(/\.ts$/, '.js')), js);
  }
  writeFileSync(
    join(runtimeDir, 'package.json'),
    JSON.stringify({ name: '@emforge/runtime', type: 'module', exports: './index.js' }),
  );
  const matrix = join(root, 'packages/runtime/node_modules/ml-matrix');
  if (existsSync(matrix)) symlinkSync(matrix, join(dir, 'node_modules/ml-matrix'), 'dir');
  return {
    dir,
    js: (name) => join(out, src, `${name}.js`),
    errors,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs an ES module script (text) with plain node in `dir`; returns its parsed JSON output. */
export function runNode(dir: string, script: string): unknown {
  const path = join(dir, `run-${Date.now()}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(path, script);
  const stdout = execFileSync(process.execPath, [path], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(stdout);
}

export function readExample(name: string): { path: string; model: string; data: unknown } {
  const path = `examples/${name}/model.em`;
  return {
    path,
    model: readFileSync(join(root, path), 'utf8'),
    data: JSON.parse(readFileSync(join(root, `examples/${name}/data.json`), 'utf8')),
  };
}

/** One case of a generated-`sample` test: its model (a name `modelText` resolves) and the call's arguments. */
export interface SampleCase {
  readonly model: string;
  readonly params: object;
  readonly sizes: object;
  readonly seed: number;
  /** Data the model reads but does not draw: the generated `sample`'s fourth argument. */
  readonly inputs?: object;
}

/**
 * The tests of a kind's generated `sample`: each case's model compiled in both forms (one
 * program, `tsc --strict`), both forms' `sample(params, sizes, seed[, inputs])` run in a child
 * node, and each compared with `runtimeSample(key, case)` (the runtime's sampler, JSON-cleaned).
 */
export function describeGeneratedSample<C extends SampleCase>(
  title: string,
  cases: Readonly<Record<string, C>>,
  modelText: (model: string) => string,
  runtimeSample: (key: string, c: C) => unknown,
): void {
  let compiled: CompiledFitters;
  let outcome: Record<string, unknown[]>;
  beforeAll(() => {
    const files: Record<string, string> = {};
    for (const c of Object.values(cases)) {
      files[c.model] = generateFitter(`${c.model}.em`, modelText(c.model), false);
      files[`${c.model}.standalone`] = generateFitter(`${c.model}.em`, modelText(c.model), true);
    }
    compiled = compileFitters(files);
    const script = [
      'const out = {};',
      ...Object.entries(cases).flatMap(([key, c]) => [
        '{',
        `  const imported = await import(${JSON.stringify(compiled.js(c.model))});`,
        `  const standalone = await import(${JSON.stringify(compiled.js(`${c.model}.standalone`))});`,
        `  const args = [${JSON.stringify(c.params)}, ${JSON.stringify(c.sizes)}, ${c.seed}${c.inputs ? `, ${JSON.stringify(c.inputs)}` : ''}];`,
        `  out[${JSON.stringify(key)}] = [imported.sample(...args), standalone.sample(...args)];`,
        '}',
      ]),
      'process.stdout.write(JSON.stringify(out));',
    ].join('\n');
    if (compiled.errors.length === 0) outcome = runNode(compiled.dir, script) as typeof outcome;
  }, 120_000);
  afterAll(() => compiled?.cleanup());

  describe(title, () => {
    it('type-checks under --strict, both forms', () => {
      expect(compiled.errors).toEqual([]);
    });
    for (const [key, c] of Object.entries(cases)) {
      it(`${key}: draws what the runtime draws with the same seed (both forms)`, () => {
        const expected = runtimeSample(key, c);
        const [imported, standalone] = outcome[key]!;
        expect(imported).toEqual(expected);
        expect(standalone).toEqual(expected);
      });
    }
  });
}
