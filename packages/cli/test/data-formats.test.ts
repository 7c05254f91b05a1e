/**
 * Data formats: vector and sequence CSV layouts, `--columns`, and NDJSON. Readers are checked
 * against the raw object a data.json would hold; whole fits are checked end to end: the same
 * data written as JSON, CSV and NDJSON must give bit-identical `emforge fit --json` results.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ColumnMap, loadData, parseColumnsOption, readCsvData, readDataFile, readNdjsonData } from '@emforge/cli';
import { SourceFile } from '@emforge/dsl';
import type { DataSchema } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const counts: DataSchema = {
  model: 'multinomial',
  sizes: [{ name: 'N' }, { name: 'K' }, { name: 'J' }],
  data: [
    { name: 'c', dims: ['N'], element: 'count', shape: ['K'], optional: false, typeText: 'c[N]: count[K]' },
    { name: 'Y', dims: ['N', 'J'], element: 'real', shape: [], optional: true, typeText: 'Y[N][J]: real?' },
    { name: 'g', dims: ['N'], element: 'cat', shape: [], categories: 2, optional: false, typeText: 'g[N]: cat[2]' },
  ],
};

const sequences: DataSchema = {
  model: 'hmm',
  sizes: [{ name: 'S' }, { name: 'T', over: 'S' }, { name: 'D' }],
  data: [
    { name: 'y', dims: ['S', 'T'], element: 'real', shape: ['D'], optional: false, typeText: 'y[S][T]: real[D]' },
    { name: 'w', dims: ['S', 'T'], element: 'count', shape: [], optional: false, typeText: 'w[S][T]: count' },
  ],
};

const hmmWithTable: DataSchema = {
  model: 'hmm',
  sizes: [{ name: 'S' }, { name: 'T', over: 'S' }, { name: 'K' }, { name: 'M' }],
  data: [
    {
      name: 'y',
      dims: ['S', 'T'],
      element: 'cat',
      shape: [],
      categories: 'M',
      optional: false,
      typeText: 'y[S][T]: cat[M]',
    },
    { name: 'emit', dims: ['K'], element: 'simplex', shape: ['M'], optional: false, typeText: 'emit[K]: simplex[M]' },
  ],
};

const csv = (text: string, schema: DataSchema, columns?: ColumnMap) =>
  readCsvData(new SourceFile('d.csv', text), schema, columns ? { columns } : {});
const ndjson = (text: string, schema: DataSchema, columns?: ColumnMap) =>
  readNdjsonData(new SourceFile('d.ndjson', text), schema, columns ? { columns } : {});
const codes = (r: { diagnostics: readonly { code: string }[] }) => r.diagnostics.map((d) => d.code);

describe('--columns option values', () => {
  it('parses NAME=COL,COL and accumulates repeated options', () => {
    const once = parseColumnsOption('x=waiting, eruptions');
    expect(once).toEqual({ x: ['waiting', 'eruptions'] });
    expect(parseColumnsOption('seq=subject', once)).toEqual({ x: ['waiting', 'eruptions'], seq: ['subject'] });
  });

  it('refuses malformed values and a variable given twice', () => {
    expect(() => parseColumnsOption('x')).toThrow(/NAME=COLUMN/);
    expect(() => parseColumnsOption('x=a,,b')).toThrow(/NAME=COLUMN/);
    expect(() => parseColumnsOption('x=b', { x: ['a'] })).toThrow(/twice/);
  });
});

describe('CSV vector columns', () => {
  it('reads count[K] from c.0, c.1, a rectangular Y[N][J] from Y.0, Y.1, and a scalar by name', () => {
    const r = csv('g,c.0,c.1,c.2,Y.0,Y[1]\n0,1,2,3,0.5,\n1,0,0,4,-1,2\n', counts);
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({
      g: [0, 1],
      c: [
        [1, 2, 3],
        [0, 0, 4],
      ],
      Y: [
        [0.5, null],
        [-1, 2],
      ],
    });
  });

  it('binds them: K and J come from the columns, and a bad count is placed at its cell', () => {
    const file = new SourceFile('d.csv', 'g,c.0,c.1,Y.0\n0,1,2,0.5\n1,0,-3,1\n');
    const bound = loadData(file, counts);
    expect(bound.diagnostics[0]).toMatchObject({ code: 'E6013', message: expect.stringContaining('`c[1][1]`') });
    expect(bound.diagnostics[0]?.span).toMatchObject({ line: 3, col: 5, endCol: 7 });
    const ok = loadData(new SourceFile('d.csv', 'g,c.0,c.1,Y.0\n0,1,2,0.5\n1,0,3,1\n'), counts);
    expect(ok.value?.sizes).toMatchObject({ N: 2, K: 2, J: 1 });
  });

  it('maps columns with --columns, in the order given, and ignores the other columns', () => {
    const r = csv('id,b,a,c,label,extra\n7,2,1,3,1,x\n8,0,0,4,0,y\n', counts, { c: ['a', 'b', 'c'], g: ['label'] });
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({
      c: [
        [1, 2, 3],
        [0, 0, 4],
      ],
      g: [1, 0],
    });
  });

  it('reports --columns names that are not in the model or not in the header', () => {
    expect(codes(csv('a,b\n1,2\n', counts, { cc: ['a'] }))).toEqual(['E6023']);
    const r = csv('a,b\n1,2\n', counts, { c: ['a', 'bb'] });
    expect(r.diagnostics[0]).toMatchObject({ code: 'E6023', hint: "did you mean 'b'?" });
    expect(csv('a,b\n1,2\n', counts, { g: ['a', 'b'] }).diagnostics[0]?.message).toContain('takes one column');
  });
});

describe('CSV sequences in long form', () => {
  it('reads a row per step, grouped by the seq column in order of first appearance', () => {
    const text = 'seq,y.0,y.1,w\nb,1,2,0\nb,3,4,1\na,5,6,2\nb,7,8,3\n';
    const r = csv(text, sequences);
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({
      y: [
        [
          [1, 2],
          [3, 4],
          [7, 8],
        ],
        [[5, 6]],
      ],
      w: [[0, 1, 3], [2]],
    });
    const bound = loadData(new SourceFile('d.csv', text), sequences);
    expect(bound.value?.raggedSizes).toEqual({ T: [3, 1] });
    expect(bound.value?.sizes).toMatchObject({ S: 2, D: 2 });
  });

  it('places a binding problem at the row of its step', () => {
    const bound = loadData(new SourceFile('d.csv', 'seq,y.0,y.1,w\nb,1,2,0\na,5,6,2\nb,3,4,-1\n'), sequences);
    expect(bound.diagnostics[0]).toMatchObject({ code: 'E6013', message: expect.stringContaining('`w[0][1]`') });
    expect(bound.diagnostics[0]?.span).toMatchObject({ line: 4, col: 7, endCol: 9 });
  });

  it('takes the sequence column from --columns seq=…', () => {
    const r = csv('patient,a,b,n\nP1,1,2,0\nP1,3,4,1\n', sequences, { seq: ['patient'], y: ['a', 'b'], w: ['n'] });
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({
      y: [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      w: [[0, 1]],
    });
  });

  it('needs the seq column and a label on every row', () => {
    expect(codes(csv('y.0,y.1,w\n1,2,0\n', sequences))).toEqual(['E6024']);
    const r = csv('seq,y.0,y.1,w\na,1,2,0\n ,3,4,1\n', sequences);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E6024', span: { line: 3 } });
  });
});

describe('NDJSON', () => {
  it('reads one item per line, skipping blank lines, with CRLF and a BOM', () => {
    const r = ndjson('\uFEFF{"g": 0, "c": [1, 2], "Y": [0.5]}\r\n\r\n{"g": 1, "c": [0, 3], "Y": [null]}\r\n', counts);
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({
      g: [0, 1],
      c: [
        [1, 2],
        [0, 3],
      ],
      Y: [[0.5], [null]],
    });
  });

  it('reads a header line of sizes and whole data, then one sequence per line', () => {
    const text = '{"K": 2, "emit": [[0.5, 0.5, 0], [0, 0.5, 0.5]]}\n{"y": [0, 1, 2]}\n{"y": [2]}\n';
    const bound = loadData(new SourceFile('d.ndjson', text), hmmWithTable);
    expect(bound.diagnostics).toEqual([]);
    expect(bound.value?.sizes).toMatchObject({ S: 2, K: 2, M: 3 });
    expect(bound.value?.raggedSizes).toEqual({ T: [3, 1] });
  });

  it('names the line of a syntax error, of a key out of place, and of a missing key', () => {
    const bad = ndjson('{"g": 0, "c": [1], "Y": [1]}\n{"g": 1, "c": [1] "Y": [1]}\n[1, 2]\n', counts);
    expect(bad.diagnostics.map((d) => [d.code, d.span?.line])).toEqual([
      ['E6021', 2],
      ['E6021', 3],
    ]);
    const keys = ndjson('{"K": 2, "emit": [[1, 0, 0]]}\n{"y": [0]}\n{"y": [1], "K": 3}\n{"yy": [1]}\n', hmmWithTable);
    expect(keys.diagnostics.map((d) => [d.code, d.span?.line, d.message])).toEqual([
      ['E6022', 3, "NDJSON line 3 gives 'K', a size or whole data, which only the first line may give"],
      ['E6022', 4, "NDJSON line 4 has 'yy', which is not a data or size name of the model"],
      ['E6022', 4, "NDJSON line 4 has no 'y'; every item line gives every per-item data name"],
    ]);
    expect(keys.diagnostics[1]?.hint).toBe("did you mean 'y'?");
  });

  it('places a binding problem inside its line', () => {
    const text = '{"g": 0, "c": [1, 2], "Y": [1]}\n{"g": 1, "c": [1, 2.5], "Y": [1]}\n';
    const bound = loadData(new SourceFile('d.ndjson', text), counts);
    expect(bound.diagnostics[0]).toMatchObject({ code: 'E6013', message: expect.stringContaining('`c[1][1]`') });
    expect(bound.diagnostics[0]?.span).toMatchObject({ line: 2, col: 19, endCol: 22 });
  });

  it('maps keys with --columns and ignores the others', () => {
    const r = ndjson('{"id": 1, "a": 1, "b": 2, "lab": 0, "Y": [1]}\n', counts, { c: ['b', 'a'], g: ['lab'] });
    expect(r.diagnostics).toEqual([]);
    expect(r.raw).toEqual({ c: [[2, 1]], g: [0], Y: [[1]] });
  });

  it('stops listing after 20 problems and counts the rest', () => {
    const r = ndjson('not json\n'.repeat(25), counts);
    expect(codes(r)).toEqual([...Array(20).fill('E6021'), 'N6020']);
    expect(r.diagnostics[20]?.message).toContain('5 more problems');
  });

  it('refuses --columns with a JSON data file', () => {
    const r = readDataFile(new SourceFile('d.json', '{"g": [0]}'), counts, { columns: { g: ['a'] } });
    expect(codes(r)).toEqual(['E6023']);
  });
});

/** Writes the example's data.json as a CSV and an NDJSON file in a temporary folder. */
function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'emforge-data-'));
}

const fitJson = async (model: string, data: string, extra: readonly string[] = []) => {
  const r = await runCli(['fit', model, '--data', data, '--restarts', '2', '--seed', '3', '--json', ...extra]);
  expect(r.code, r.out + r.err).toBe(0);
  const { history: _h, ...result } = JSON.parse(r.out) as Record<string, unknown>;
  return result;
};

describe('the same data in every format gives the same fit, bit for bit', () => {
  it('Old Faithful from JSON, from a CSV with --columns, and from NDJSON', async () => {
    const dir = join(root, 'examples/old-faithful-gmm');
    const x = (JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as { x: number[][] }).x;
    const tmp = scratch();
    const csvPath = join(tmp, 'faithful.csv');
    writeFileSync(csvPath, `id,waiting,eruptions\n${x.map((r, i) => `${i + 1},${r[1]},${r[0]}`).join('\n')}\n`);
    const ndjsonPath = join(tmp, 'faithful.ndjson');
    writeFileSync(ndjsonPath, x.map((r) => JSON.stringify({ x: r })).join('\n'));
    const model = join(dir, 'model.em');
    const reference = await fitJson(model, join(dir, 'data.json'));
    expect(await fitJson(model, csvPath, ['--columns', 'x=eruptions,waiting'])).toEqual(reference);
    expect(await fitJson(model, ndjsonPath)).toEqual(reference);
    const selected = await runCli([
      'select',
      model,
      '--data',
      csvPath,
      '--columns',
      'x=eruptions,waiting',
      '--size',
      'K=1..2',
      '--restarts',
      '1',
    ]);
    expect(selected.code, selected.out).toBe(0);
  });

  it('a Gaussian HMM from JSON, from a long CSV and from NDJSON (one sequence a line)', async () => {
    const dir = join(root, 'examples/hmm-gaussian');
    const y = (JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as { y: number[][][] }).y.slice(0, 6);
    const tmp = scratch();
    const jsonPath = join(tmp, 'hmm.json');
    writeFileSync(jsonPath, JSON.stringify({ y }));
    const csvPath = join(tmp, 'hmm.csv');
    const rows = y.flatMap((s, i) => s.map((step) => `run${i},${step.join(',')}`));
    writeFileSync(csvPath, `seq,y.0,y.1\n${rows.join('\n')}\n`);
    const ndjsonPath = join(tmp, 'hmm.jsonl');
    writeFileSync(ndjsonPath, `${y.map((s) => JSON.stringify({ y: s })).join('\n')}\n`);
    const model = join(dir, 'model.em');
    const reference = await fitJson(model, jsonPath, ['--max-iter', '30']);
    expect(await fitJson(model, csvPath, ['--max-iter', '30'])).toEqual(reference);
    expect(await fitJson(model, ndjsonPath, ['--max-iter', '30'])).toEqual(reference);
  });

  it('a data problem exits 1 with the variable and the line', async () => {
    const tmp = scratch();
    const path = join(tmp, 'bad.ndjson');
    writeFileSync(path, '{"x": [1, 2]}\n{"x": [1, "a"]}\n');
    const r = await runCli(['fit', join(root, 'examples/old-faithful-gmm/model.em'), '--data', path]);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/bad\.ndjson:2:\d+: error\[E6010\]: `x\[1\]\[1\]` should be a number/);
  });
});
