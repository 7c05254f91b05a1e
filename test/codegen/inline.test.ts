/**
 * The inliner of standalone fitters (packages/compiler/src/codegen/inline/runtime-source.ts): it
 * reads @emforge/runtime's own sources, so an inlined declaration is the runtime's text (without
 * `export`), its dependencies come first and once, the import form stops at runtime exports, and
 * two different declarations with one name do not clash. The inlined code, transpiled and run,
 * gives the runtime's bits.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { runtimeClosure } from '../../packages/compiler/src/codegen/inline/runtime-source.js';
import { lgamma, makeStreams, sampleGamma } from '../../packages/runtime/src/index.js';

const runtimeFile = (path: string) =>
  readFileSync(new URL(`../../packages/runtime/src/${path}`, import.meta.url), 'utf8');

/** Runs inlined declarations (TypeScript, transpiled) and returns what `expression` evaluates to. */
function evaluate(texts: readonly string[], expression: string): unknown {
  const js = ts.transpileModule(`${texts.join('\n\n')}\nreturn ${expression};`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  }).outputText;
  return new Function(js)();
}

describe('inlining the runtime from its sources', () => {
  it("inlines a runtime export and what it references, the runtime's text without export, dependencies first", () => {
    const { declarations, imported } = runtimeClosure(['makeStreams']);
    expect(imported).toEqual([]);
    const names = declarations.map((d) => d.name);
    for (const name of ['TWO_32', 'JUMP', 'splitmix32', 'rotl', 'RandomState', 'RandomStream', 'makeStreams']) {
      expect(
        names.filter((n) => n === name),
        name,
      ).toHaveLength(1);
    }
    expect(names.indexOf('RandomStream')).toBeLessThan(names.indexOf('makeStreams'));
    expect(names.indexOf('splitmix32')).toBeLessThan(names.indexOf('RandomStream'));
    const source = runtimeFile('random/stream.ts');
    for (const d of declarations) {
      expect(d.text).not.toMatch(/^export /m);
      // Every line of the inlined text is the runtime's (the export keyword aside).
      for (const line of d.text.split('\n'))
        expect(source.includes(line) || source.includes(`export ${line}`)).toBe(true);
    }
    expect(declarations.find((d) => d.name === 'RandomStream')?.exported).toBe(true);
    expect(declarations.find((d) => d.name === 'splitmix32')?.exported).toBe(false);
  });

  it('stops at runtime exports for the import form, and still inlines what the runtime does not export', () => {
    const { declarations, imported } = runtimeClosure(['chain/chain-init.ts#kMeans'], { importExports: true });
    expect(declarations.map((d) => d.name)).toEqual(['Seeder', 'LLOYD_ITERATIONS', 'kMeans']);
    expect(imported.map((d) => d.name).sort()).toEqual(['RandomStream', 'kmeansPlusPlus']);
    expect(imported.find((d) => d.name === 'kmeansPlusPlus')?.typeOnly).toBe(false);
  });

  it('merges equal declarations of one name and renames different ones (and their uses)', () => {
    const same = runtimeClosure(['em/mixture-m-step.ts#EMPTY', 'missing/missing-m-step.ts#EMPTY']).declarations;
    expect(same.map((d) => d.name)).toEqual(['EMPTY']);
    // log-density.ts's LOG_2PI is a literal, conditional-gaussian.ts's is Math.log(2π): two declarations.
    const { declarations } = runtimeClosure([
      'kernels/log-density.ts#LOG_2PI',
      'missing/conditional-gaussian.ts#factorPattern',
    ]);
    const renamed = declarations.find((d) => d.key === 'missing/conditional-gaussian.ts#LOG_2PI');
    expect(declarations.find((d) => d.key === 'kernels/log-density.ts#LOG_2PI')?.name).toBe('LOG_2PI');
    expect(renamed?.name).toBe('LOG_2PI2');
    expect(renamed?.text).toMatch(/^const LOG_2PI2 = /m);
    const factor = declarations.find((d) => d.name === 'factorPattern')!;
    expect(factor.text).toContain('LOG_2PI2');
    expect(factor.text).not.toMatch(/\bLOG_2PI\b/);
    // A name the generated code declares is taken too.
    const reserved = runtimeClosure(['lgamma'], { reserved: ['LANCZOS'] }).declarations;
    expect(reserved.map((d) => d.name)).toContain('LANCZOS2');
    expect(reserved.find((d) => d.name === 'lgamma')?.text).toContain('LANCZOS2[');
  });

  it('gives the runtime bits when run', () => {
    const lg = runtimeClosure(['lgamma']).declarations.map((d) => d.text);
    const xs = [0.1, 0.5, 1, 2.5, 7, 33.3, 1e5, -2.5];
    expect(evaluate(lg, `[${xs.join(', ')}].map(lgamma)`)).toEqual(xs.map(lgamma));
    const draws = runtimeClosure(['makeStreams', 'sampleGamma']).declarations.map((d) => d.text);
    const rng = makeStreams(7, 2)[1]!;
    const expected = Array.from({ length: 20 }, (_, i) => sampleGamma(rng, 0.3 + i, 2));
    expect(
      evaluate(
        draws,
        '(() => { const rng = makeStreams(7, 2)[1]; return Array.from({ length: 20 }, (_, i) => sampleGamma(rng, 0.3 + i, 2)); })()',
      ),
    ).toEqual(expected);
  });

  it('names what it cannot find', () => {
    expect(() => runtimeClosure(['noSuchRuntimeFunction'])).toThrow(/exports no 'noSuchRuntimeFunction'/);
    expect(() => runtimeClosure(['math/special.ts#nothing'])).toThrow(/no declaration 'nothing'/);
  });
});
