/**
 * Golden tests of `emforge explain`: for every model of test/golden/good/ and LANGUAGE.md's six
 * (test/language/models/), the markdown derivation `explainPlan` prints is compared with
 * test/golden/explain/<name>.explain.expected. `UPDATE_GOLDEN=1` rewrites the expected files;
 * review them with `git diff` — the math (indices, sums, which quantities are expectations)
 * is what a reviewer reads.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainPlan, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const expectedDir = fileURLToPath(new URL('./explain/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

/** [name, path from the repository root] of every model explained. */
function cases(): [string, string][] {
  const dirs = ['test/golden/good', 'test/language/models'];
  return dirs.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.em'))
      .sort()
      .map((f): [string, string] => [f.slice(0, -'.em'.length), `${dir}/${f}`]),
  );
}

describe('explain (golden)', () => {
  it('has cases with distinct names', () => {
    const names = cases().map(([n]) => n);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases())('%s', (name, path) => {
    const outcome = planSource(new SourceFile(path, readFileSync(join(root, path), 'utf8')));
    expect(outcome.plan, `${path} should plan without errors`).toBeDefined();
    const text = explainPlan(outcome);
    const expectedPath = join(expectedDir, `${name}.explain.expected`);
    if (update || !existsSync(expectedPath)) {
      mkdirSync(expectedDir, { recursive: true });
      writeFileSync(expectedPath, text);
      if (!update) throw new Error(`${name}.explain.expected did not exist; it was written, review it and rerun`);
      return;
    }
    expect(text).toBe(readFileSync(expectedPath, 'utf8'));
  });
});
