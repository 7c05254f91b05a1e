/**
 * Golden tests of data files that do not fit their model. Each `data/<case>.em` is a small
 * model that checks cleanly; `<case>.json` or `<case>.csv` beside it holds its data with one
 * deliberate mistake (or `<case>.ndjson`); an optional `<case>.sizes` holds `--size` overrides,
 * one `NAME=VALUE` a line, and an optional `<case>.columns` holds `--columns` values, one a line. `<case>.expected` is what loading the data prints: the rendered diagnostics, placed in
 * the data file. `UPDATE_GOLDEN=1` (`pnpm golden:update`) rewrites the expected files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ColumnMap, loadData, parseColumnsOption } from '@emforge/cli';
import { checkSource, lowerDataSchema } from '@emforge/compiler';
import { renderDiagnostics, SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = fileURLToPath(new URL('./data/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

const cases = readdirSync(dataDir)
  .filter((f) => f.endsWith('.em'))
  .map((f) => f.slice(0, -'.em'.length))
  .sort();

/** A file of the case as a `SourceFile` with its path relative to the repository root. */
function sourceOf(file: string): SourceFile {
  return new SourceFile(relative(root, file).split('\\').join('/'), readFileSync(file, 'utf8'));
}

function sizeOverrides(name: string): Record<string, number> {
  const file = join(dataDir, `${name}.sizes`);
  if (!existsSync(file)) return {};
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('=').map((s) => s.trim()));
  return Object.fromEntries(entries.map(([k, v]) => [k ?? '', Number(v)]));
}

function columnsOption(name: string): { columns?: ColumnMap } {
  const file = join(dataDir, `${name}.columns`);
  if (!existsSync(file)) return {};
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return { columns: lines.reduce<ColumnMap>((map, l) => parseColumnsOption(l, map), {}) };
}

function runCase(name: string) {
  const model = checkSource(sourceOf(join(dataDir, `${name}.em`)));
  if (!model.checked) throw new Error(`${name}.em does not check: ${renderDiagnostics(model.diagnostics)}`);
  const dataFile = [`${name}.json`, `${name}.csv`, `${name}.ndjson`].map((f) => join(dataDir, f)).find(existsSync);
  if (!dataFile) throw new Error(`${name} has no data file`);
  const data = sourceOf(dataFile);
  const result = loadData(data, lowerDataSchema(model.checked), sizeOverrides(name), columnsOption(name));
  return { result, rendered: `${renderDiagnostics(result.diagnostics, { source: () => data })}\n` };
}

describe('data files that do not fit their model (golden)', () => {
  it('has at least twelve cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (name) => {
    const { result, rendered } = runCase(name);
    expect(result.diagnostics.length, `${name} should report something`).toBeGreaterThan(0);
    const expectedPath = join(dataDir, `${name}.expected`);
    if (update || !existsSync(expectedPath)) {
      writeFileSync(expectedPath, rendered);
      if (!update) throw new Error(`${name}.expected did not exist; it was written, review it and rerun`);
      return;
    }
    expect(rendered).toBe(readFileSync(expectedPath, 'utf8'));
  });
});
