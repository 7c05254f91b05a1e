/**
 * Every example is complete and consistent: a model that parses without diagnostics, a data
 * file that fits the model's `data` declarations, and a README giving the check and fit
 * commands. (Checking and fitting the examples is tested with the checker and the fitter.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModel, SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { checkData } from './check-data.js';

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('examples', () => {
  it('there are at least eight', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(examples)('%s', (name) => {
    const dir = `${examplesDir}${name}/`;

    it('has a model, data and a README', () => {
      for (const file of ['model.em', 'data.json', 'README.md']) expect(existsSync(dir + file), file).toBe(true);
    });

    it('has a model that parses cleanly and data that fits it', () => {
      const result = parseModel(new SourceFile(`examples/${name}/model.em`, readFileSync(`${dir}model.em`, 'utf8')));
      expect(result.diagnostics).toEqual([]);
      if (!result.value) throw new Error('no model');
      const data = JSON.parse(readFileSync(`${dir}data.json`, 'utf8')) as Record<string, unknown>;
      expect(checkData(result.value, data)).toEqual([]);
    });

    it('keeps its data file small', () => {
      expect(readFileSync(`${dir}data.json`).length).toBeLessThan(300_000);
    });

    it('gives the check and fit commands in its README', () => {
      const readme = readFileSync(`${dir}README.md`, 'utf8');
      expect(readme).toContain(`pnpm exec emforge check examples/${name}/model.em`);
      expect(readme).toContain(`pnpm exec emforge fit examples/${name}/model.em --data examples/${name}/data.json`);
    });
  });
});
