/**
 * Golden tests of broken models. Each `bad/<case>.em` holds a small realistic model with one
 * deliberate mistake (and at least one error); each `warn/<case>.em` one with something
 * suspicious but legal (warnings only). `<case>.expected` beside it is what checking it
 * prints: the rendered diagnostics, exactly as `emforge check` shows them without colour
 * (`syntax-*` cases are the parser's, the others the checker's). `UPDATE_GOLDEN=1`
 * (`pnpm golden:update`) rewrites the expected files; review them with `git diff`.
 * A last test asserts that every code of the message catalogue appears in some expected file
 * under test/golden/, so every message is shown to a reviewer at least once.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planSource } from '@emforge/compiler';
import { catalogue, renderDiagnostics, SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const goldenDir = fileURLToPath(new URL('./', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function casesIn(kind: 'bad' | 'warn'): string[] {
  const dir = join(goldenDir, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.em'))
    .map((f) => `${kind}/${f.slice(0, -'.em'.length)}`)
    .sort();
}

/** Checks `<kind>/<case>.em` as the CLI would, with its path relative to the repository root. */
function checkCase(name: string) {
  const file = join(goldenDir, `${name}.em`);
  const path = relative(root, file).split('\\').join('/');
  const source = new SourceFile(path, readFileSync(file, 'utf8'));
  const outcome = planSource(source);
  return { outcome, rendered: `${renderDiagnostics(outcome.diagnostics, { source: () => source })}\n` };
}

/** Every `.expected` file under a directory, recursively. */
function expectedFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? expectedFiles(join(dir, e.name)) : e.name.endsWith('.expected') ? [join(dir, e.name)] : [],
  );
}

function compareWithExpected(name: string, rendered: string): void {
  const expectedPath = join(goldenDir, `${name}.expected`);
  if (update || !existsSync(expectedPath)) {
    writeFileSync(expectedPath, rendered);
    if (!update) throw new Error(`${name}.expected did not exist; it was written, review it and rerun`);
    return;
  }
  expect(rendered).toBe(readFileSync(expectedPath, 'utf8'));
}

describe('broken models (golden)', () => {
  it('has cases', () => {
    expect(casesIn('bad').length).toBeGreaterThan(0);
  });

  it.each(casesIn('bad'))('%s', (name) => {
    const { outcome, rendered } = checkCase(name);
    expect(
      outcome.diagnostics.some((d) => d.severity === 'error'),
      `${name}.em should report an error`,
    ).toBe(true);
    compareWithExpected(name, rendered);
  });

  it.each(casesIn('warn'))('%s', (name) => {
    const { outcome, rendered } = checkCase(name);
    expect(
      outcome.diagnostics.some((d) => d.severity === 'warning') &&
        !outcome.diagnostics.some((d) => d.severity === 'error'),
      `${name}.em should report warnings and no error`,
    ).toBe(true);
    compareWithExpected(name, rendered);
  });

  it('every catalogue code appears in some expected file under test/golden/', () => {
    const shown = expectedFiles(goldenDir)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const missing = [...catalogue.keys()].filter((code) => !shown.includes(`[${code}]`));
    expect(missing, `codes with no golden case: ${missing.join(', ')}`).toEqual([]);
  });
});
