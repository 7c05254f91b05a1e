/**
 * Plan goldens: the printed inference plan (`emforge check --dump plan`) of every model in
 * test/language/models/, examples/*\/model.em and test/golden/good/, compared with
 * test/golden/plans/<name>.plan.expected. `UPDATE_GOLDEN=1` rewrites them; review with git diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planSource, printPlan } from '@emforge/compiler';
import { renderDiagnostics, SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const plansDir = fileURLToPath(new URL('./plans/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function emFiles(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.em'))
        .map((f) => join(dir, f))
    : [];
}

function cases(): { name: string; file: string }[] {
  const language = emFiles(join(root, 'test/language/models')).map((file) => ({
    name: file.split('/').pop()?.slice(0, -3) ?? file,
    file,
  }));
  const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, 'examples', e.name, 'model.em')))
    .map((e) => ({ name: `example-${e.name}`, file: join(root, 'examples', e.name, 'model.em') }));
  const good = emFiles(join(root, 'test/golden/good')).map((file) => ({
    name: `good-${file.split('/').pop()?.slice(0, -3)}`,
    file,
  }));
  return [...language, ...examples, ...good].sort((a, b) => a.name.localeCompare(b.name));
}

function render(file: string): string {
  const path = relative(root, file).split('\\').join('/');
  const source = new SourceFile(path, readFileSync(file, 'utf8'));
  const outcome = planSource(source);
  const diagnostics =
    outcome.diagnostics.length > 0 ? `${renderDiagnostics(outcome.diagnostics, { source: () => source })}\n\n` : '';
  return `${diagnostics}${outcome.plan ? printPlan(outcome.plan) : '(no plan)\n'}`;
}

describe('inference plans (golden)', () => {
  for (const c of cases()) {
    it(c.name, () => {
      const rendered = render(c.file);
      const expectedPath = join(plansDir, `${c.name}.plan.expected`);
      if (update || !existsSync(expectedPath)) {
        writeFileSync(expectedPath, rendered);
        if (!update) throw new Error(`${c.name}.plan.expected did not exist; it was written, review it and rerun`);
        return;
      }
      expect(rendered).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }
});
