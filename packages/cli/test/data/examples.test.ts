/**
 * Every example's data file binds cleanly against its model's data schema, with the sizes the
 * data imply (files such as truth.json or species.json are not data and are not read).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadData } from '@emforge/cli';
import { checkSource, lowerDataSchema } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

const examplesDir = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function load(name: string) {
  const read = (file: string) =>
    new SourceFile(`examples/${name}/${file}`, readFileSync(`${examplesDir}${name}/${file}`, 'utf8'));
  const checked = checkSource(read('model.em')).checked;
  if (!checked) throw new Error(`${name}: the model does not check`);
  const schema = lowerDataSchema(checked);
  return { schema, result: loadData(read('data.json'), schema) };
}

describe('example data files', () => {
  it('there are ten examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(examples)('%s binds cleanly', (name) => {
    const { schema, result } = load(name);
    expect(result.diagnostics).toEqual([]);
    const bound = result.value;
    expect(bound).toBeDefined();
    if (!bound) return;
    for (const size of schema.sizes) {
      if (size.over === undefined) expect(bound.sizes[size.name], size.name).toBeGreaterThan(0);
      else expect(bound.raggedSizes[size.name]?.length).toBe(bound.sizes[size.over]);
    }
    for (const v of schema.data) {
      const b = bound.variables[v.name];
      expect(b, v.name).toBeDefined();
      if (!b) continue;
      const missing = b.missing;
      b.values.forEach((x, i) => {
        if (!missing || missing[i] === 0) expect(Number.isFinite(x)).toBe(true);
      });
    }
  });

  it('lays out the Old Faithful data row-major with N and D inferred', () => {
    const bound = load('old-faithful-gmm').result.value;
    expect(bound?.sizes).toMatchObject({ N: 272, D: 2, K: 2 });
    expect(Array.from(bound?.variables.x?.values.slice(0, 4) ?? [])).toEqual([3.6, 79, 1.8, 54]);
    expect(bound?.variables.x?.shape).toEqual([272, 2]);
  });

  it('gives the HMM sequences offsets over the ragged size', () => {
    const bound = load('hmm-dishonest-casino').result.value;
    const lengths = bound?.raggedSizes.T ?? [];
    const y = bound?.variables.y;
    expect(y?.offsets?.length).toBe((bound?.sizes.S ?? 0) + 1);
    expect(y?.offsets?.[lengths.length]).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(y?.values.length).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(y?.shape).toEqual([bound?.sizes.S, -1]);
  });

  it('marks the missing entries of mvn-missing', () => {
    const x = load('mvn-missing').result.value?.variables.x;
    expect(x?.missing).toBeDefined();
    const nMissing = x?.missing?.reduce((a, b) => a + b, 0) ?? 0;
    expect(nMissing).toBeGreaterThan(0);
    x?.missing?.forEach((m, i) => {
      expect(Number.isNaN(x.values[i])).toBe(m === 1);
    });
  });
});
