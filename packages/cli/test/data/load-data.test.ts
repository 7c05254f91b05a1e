/**
 * Loading a data file end to end: the rendered messages name the variable and the index, and
 * point into the data file; warnings keep the value, errors drop it.
 */
import { loadData } from '@emforge/cli';
import { checkSource, lowerDataSchema } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

const poismix = lowerDataSchema(
  checkSource(
    new SourceFile(
      'm.em',
      `model poismix {
        size N
        size K = 2
        data y[N]: count
        param w: simplex[K]
        param rate[K]: positive
        latent z[N]: cat[K]
        for n in N { z[n] ~ Categorical(w)
          y[n] ~ Poisson(rate[z[n]]) }
      }`,
    ),
  ).checked ?? (undefined as never),
);

describe('loadData', () => {
  it('binds JSON and CSV alike', () => {
    const json = loadData(new SourceFile('d.json', '{"y": [1, 0, 4]}'), poismix);
    const csv = loadData(new SourceFile('d.csv', 'y\n1\n0\n4\n'), poismix);
    expect(json.diagnostics).toEqual([]);
    expect(csv.diagnostics).toEqual([]);
    expect(Array.from(csv.value?.variables.y?.values ?? [])).toEqual([1, 0, 4]);
    expect(csv.value?.sizes).toEqual(json.value?.sizes);
  });

  it('names the variable and the index, and places it in the file', () => {
    const r = loadData(new SourceFile('d.json', '{\n  "y": [1, 2.5, -1]\n}'), poismix);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col, d.message])).toEqual([
      ['E6013', 2, 12, '`y[1]` is 2.5, but a count must be a whole number'],
      ['E6013', 2, 17, '`y[2]` is -1, but a count must be a non-negative integer'],
    ]);
  });

  it('places a CSV problem at its row', () => {
    const r = loadData(new SourceFile('d.csv', 'y\n1\n\n-3\n'), poismix);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.message])).toEqual([
      ['E6013', 4, '`y[1]` is -3, but a count must be a non-negative integer'],
    ]);
  });

  it('keeps the value when there are only warnings', () => {
    const r = loadData(new SourceFile('d.json', '{"y": [1], "z": 2}'), poismix);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['W6007']);
    expect(r.value?.sizes).toEqual({ N: 1, K: 2 });
  });

  it('applies --size overrides and reports them without a file location', () => {
    const r = loadData(new SourceFile('d.json', '{"y": [1]}'), poismix, { K: 0 });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E6017' });
    expect(r.diagnostics[0]?.span).toBeUndefined();
    expect(loadData(new SourceFile('d.json', '{"y": [1]}'), poismix, { K: 4 }).value?.sizes.K).toBe(4);
  });
});
