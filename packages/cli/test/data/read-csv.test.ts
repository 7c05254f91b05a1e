/** The CSV reader: both layouts, missing cells, malformed rows and headers, and row locations. */
import { parseCell, readCsvData } from '@emforge/cli';
import { SourceFile } from '@emforge/dsl';
import type { DataSchema } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';

const matrix: DataSchema = {
  model: 'gmm',
  sizes: [{ name: 'N' }, { name: 'D' }],
  data: [{ name: 'x', dims: ['N'], element: 'real', shape: ['D'], optional: true, typeText: 'x[N]: real[D]?' }],
};

const columns: DataSchema = {
  model: 'mixlogit',
  sizes: [{ name: 'N' }, { name: 'P' }],
  data: [
    { name: 'X', dims: ['N'], element: 'real', shape: ['P'], optional: false, typeText: 'X[N]: real[P]' },
    { name: 'y', dims: ['N'], element: 'count', shape: [], optional: false, typeText: 'y[N]: count' },
  ],
};

const read = (text: string, schema: DataSchema) => readCsvData(new SourceFile('d.csv', text), schema);

describe('parseCell', () => {
  it('reads numbers, empty cells as missing, and keeps other text', () => {
    expect(parseCell(' 1.5e3 ')).toBe(1500);
    expect(parseCell('-.5')).toBe(-0.5);
    expect(parseCell('')).toBeNull();
    expect(parseCell('  ')).toBeNull();
    expect(parseCell('NaN')).toBeNaN();
    expect(parseCell('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseCell('abc')).toBe('abc');
    expect(parseCell('0x10')).toBe('0x10');
  });
});

describe('CSV layouts', () => {
  it('reads one vector variable from any column names, with empty cells missing', () => {
    const r = read('eruptions,waiting\r\n3.6,79\r\n1.8,\r\n\r\n', matrix);
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({
      x: [
        [3.6, 79],
        [1.8, null],
      ],
    });
  });

  it('reads scalar and vector columns by name', () => {
    const r = read('y,X.0,X[1]\n0,1,0.5\n1,1,-2\n', columns);
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({
      y: [0, 1],
      X: [
        [1, 0.5],
        [1, -2],
      ],
    });
  });

  it('reports a row with the wrong number of cells by its row number', () => {
    const r = read('y,X.0\n0,1\n1\n1,2,3\n', columns);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line])).toEqual([
      ['E6002', 3],
      ['E6002', 4],
    ]);
    expect(r.diagnostics[0]?.message).toContain('CSV row 3');
  });

  it('reports an unclosed quote', () => {
    const r = read('y,X.0\n0,"1\n', columns);
    expect(r.diagnostics[0]?.code).toBe('E6002');
  });

  it('reports unknown and repeated columns', () => {
    const r = read('y,y,Z\n0,0,1\n', columns);
    expect(r.diagnostics.map((d) => [d.code, d.span?.col])).toEqual([
      ['E6004', 3],
      ['E6004', 5],
    ]);
    expect(r.diagnostics[0]?.message).toContain('twice');
  });

  it('refuses a model whose data a CSV cannot hold', () => {
    const tables: DataSchema = {
      model: 'covs',
      sizes: [{ name: 'N' }, { name: 'D' }],
      data: [{ name: 'S', dims: ['N'], element: 'cov', shape: ['D', 'D'], optional: false, typeText: 'S[N]: cov[D]' }],
    };
    expect(read('S\n1\n', tables).diagnostics[0]).toMatchObject({ code: 'E6003' });
  });

  it('locates a data entry at its row and cell', () => {
    const r = read('y,X.0,X.1\n0,1,0.5\n1,1,oops\n', columns);
    expect(r.locate({ key: 'X', index: [1, 1] })).toMatchObject({ line: 3, col: 5, endCol: 9 });
  });
});
