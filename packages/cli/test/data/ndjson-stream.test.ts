/**
 * NDJSON read as a stream: a file opened by `openDataSource` is walked in 1 MiB chunks, one line
 * at a time, into packed columns. Checked here: a generated 200,000-line file binds to exactly
 * the bound data of the same values written as one JSON object; every NDJSON diagnostic comes out
 * with the same code, line, span and rendered excerpt as when the text is read whole; lines
 * and multi-byte characters cut by chunk boundaries, CRLF and invalid UTF-8; and the packed
 * columns hand on the same values JSON parsing gives, odd values included.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData, openDataSource, readNdjsonData, StreamedSource } from '@emforge/cli';
import { renderDiagnostics, SourceFile } from '@emforge/dsl';
import type { BoundData, DataSchema } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { ItemColumn } from '../../src/data/item-columns.js';
import { forEachFileLine } from '../../src/data/line-reader.js';
import { runCli } from '../run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'emforge-ndjson-'));

const rows: DataSchema = {
  model: 'rows',
  sizes: [{ name: 'N' }, { name: 'D' }, { name: 'K' }],
  data: [
    { name: 'x', dims: ['N'], element: 'real', shape: ['D'], optional: true, typeText: 'x[N]: real[D]?' },
    { name: 'g', dims: ['N'], element: 'cat', shape: [], categories: 'K', optional: false, typeText: 'g[N]: cat[K]' },
    { name: 'w', dims: ['K'], element: 'positive', shape: [], optional: false, typeText: 'w[K]: positive' },
  ],
};

const sequences: DataSchema = {
  model: 'hmm',
  sizes: [{ name: 'S' }, { name: 'T', over: 'S' }, { name: 'D' }],
  data: [{ name: 'y', dims: ['S', 'T'], element: 'real', shape: ['D'], optional: false, typeText: 'y[S][T]: real[D]' }],
};

function write(name: string, text: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

function streamed(path: string): SourceFile {
  const opened = openDataSource(path);
  if (!('source' in opened)) throw new Error(opened.diagnostic.message);
  expect(opened.source).toBeInstanceOf(StreamedSource);
  return opened.source;
}

/** The bytes of a typed array, so large arrays compare quickly and bit for bit. */
const bytes = (a: ArrayBufferView | undefined) =>
  a && Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The bound data with every typed array as its bytes. */
function plain(bound: BoundData | undefined) {
  if (!bound) return undefined;
  const variables = Object.fromEntries(
    Object.entries(bound.variables).map(([name, v]) => [
      name,
      {
        shape: v.shape,
        itemSize: v.itemSize,
        values: bytes(v.values),
        missing: bytes(v.missing),
        offsets: bytes(v.offsets),
      },
    ]),
  );
  return { sizes: bound.sizes, raggedSizes: bound.raggedSizes, variables };
}

describe('NDJSON read as a stream', () => {
  it('binds 200,000 lines to the same data as the same values in JSON', () => {
    const n = 200_000;
    let state = 7;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    const x: (number | null)[][] = [];
    const g: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = (next() % 2_000_001) / 1000 - 1000;
      const b = next() % 97 === 0 ? null : next() / 2 ** 32;
      x.push([a, b]);
      g.push(next() % 3);
    }
    const w = [0.5, 1.25, 3];
    const lines = [JSON.stringify({ w }), ...x.map((r, i) => JSON.stringify({ g: g[i], x: r }))];
    const path = write('big.ndjson', `${lines.join('\n')}\n`);
    const fromStream = loadData(streamed(path), rows);
    const fromJson = loadData(new SourceFile('big.json', JSON.stringify({ x, g, w })), rows);
    expect(fromStream.diagnostics).toEqual([]);
    expect(fromJson.diagnostics).toEqual([]);
    expect(fromStream.value?.variables.x?.shape).toEqual([n, 2]);
    expect(plain(fromStream.value)).toEqual(plain(fromJson.value));
  });

  it('reads sequences one a line, cut across chunk boundaries, as the text reader does', () => {
    // Lines of ~20 kB: many of them straddle the 1 MiB chunk boundaries.
    const seqs = Array.from({ length: 120 }, (_, s) =>
      Array.from({ length: 600 + s }, (_, t) => [Math.sin(s * 1000 + t), t / 7]),
    );
    const text = `${seqs.map((y) => JSON.stringify({ y })).join('\r\n')}\r\n`;
    const path = write('seqs.jsonl', text);
    const a = loadData(streamed(path), sequences);
    const b = loadData(new SourceFile(path, text), sequences);
    expect(a.diagnostics).toEqual([]);
    expect(a.value?.raggedSizes.T).toHaveLength(120);
    expect(plain(a.value)).toEqual(plain(b.value));
  });

  it('gives every diagnostic the same code, line, span and excerpt as the text reader', () => {
    const cases: [DataSchema, string][] = [
      [
        rows,
        '{"w": [1, 2]}\n{"g": 0, "x": [1, 2]}\n{"g": 1, "x": [1, 2] "y": 1}\n[1, 2]\n\n{"g": 2, "x": [1, 2], "w": 3}\n',
      ],
      [rows, '{"w": [1, 2]}\n{"g": 0, "x": [1, 2]}\n{"gg": 1, "x": [1, 2]}\n{"x": [3, 4]}\n'],
      [rows, 'not json\n'.repeat(25)],
      // Binding problems located inside their lines: a wrong length, a category out of range.
      [rows, '{"w": [1, 2]}\n{"g": 0, "x": [1, 2]}\n\n{"g": 1, "x": [1, 2, 3]}\n{"g": 5, "x": [1, "a"]}\n'],
      [sequences, '{"y": [[1, 2], [3, 4]]}\r\n{"y": [[1, 2], [3]]}\r\n{"y": [[1, 2], [3, "four"]]}\r\n'],
    ];
    for (const [i, [schema, text]] of cases.entries()) {
      const path = write(`bad${i}.ndjson`, text);
      const textFile = new SourceFile(path, text);
      const whole = loadData(textFile, schema, { D: 2 });
      const file = streamed(path);
      const stream = loadData(file, schema, { D: 2 });
      expect(whole.diagnostics.length).toBeGreaterThan(0);
      expect(stream.diagnostics).toEqual(whole.diagnostics);
      const render = (source: SourceFile) => renderDiagnostics(stream.diagnostics, { source: () => source });
      expect(render(file)).toEqual(render(textFile));
    }
  });

  it('decodes multi-byte characters cut by a chunk boundary, and refuses bytes that are not UTF-8', () => {
    // "é" (2 bytes) placed so that it straddles the first 1 MiB boundary.
    const pad = 'x'.repeat((1 << 20) - 12);
    const text = `{"g": 0, "x": [1, 2], "${pad}é": 1}\n`;
    const lines: string[] = [];
    forEachFileLine(write('wide.ndjson', text), (_n, _s, line) => {
      lines.push(line);
      return true;
    });
    expect(lines).toEqual([text.slice(0, -1), '']);
    const bytes = Buffer.concat([
      Buffer.from('{"g": 0, "x": [1, 2]}\n{"g": 1, "x": [1, 2]}\n'),
      Buffer.from([0xff, 0x0a]),
    ]);
    const r = readNdjsonData(streamed(write('latin.ndjson', bytes)), rows);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['E0001', expect.stringContaining('latin.ndjson')]]);
    expect(openDataSource(join(tmp, 'absent.ndjson'))).toMatchObject({ diagnostic: { code: 'E0001' } });
    expect(openDataSource(tmp.replace(/$/, '/x.ndjson'))).toMatchObject({ diagnostic: { code: 'E0001' } });
  });

  it('packs regular values and keeps odd ones as JSON gives them', () => {
    const values: [number, unknown[]][] = [
      [0, [1, null, -0, 2.5e-300, 3]],
      [1, [[1, 2], [null, 4], []]],
      [1, [[1, 2], [3], [4, 5]]],
      [1, [[1, 2], 'a', null]],
      [
        2,
        [
          [[1, 2]],
          [],
          [
            [3, 4],
            [5, 6],
          ],
        ],
      ],
      [2, [[[1, 2]], [[]], [[3, 4]]]],
      [0, [1, true, { a: 1 }, [2]]],
    ];
    for (const [depth, items] of values) {
      const column = new ItemColumn(depth);
      for (const item of items) column.push(item);
      expect(column.items()).toEqual(items);
    }
    const zero = new ItemColumn(0);
    zero.push(-0);
    expect(Object.is(zero.items()[0], -0)).toBe(true);
  });

  it('fits from a streamed NDJSON file through the CLI', async () => {
    const lines = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ x: [i % 2 ? 5 + (i % 7) / 7 : (i % 5) / 5, 1] }),
    );
    const data = write('fit.ndjson', `${lines.join('\n')}\n`);
    const model = write(
      'gmm.em',
      'model gmm {\n size N, D\n size K = 2\n data x[N]: real[D]\n param w: simplex[K]\n param mu[K]: real[D]\n param s[K]: positive[D]\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ Normal(mu[z[n]], s[z[n]])\n }\n}\n',
    );
    const json = write('fit.json', JSON.stringify({ x: lines.map((l) => JSON.parse(l).x) }));
    const a = await runCli(['fit', model, '--data', data, '--json', '--seed', '3']);
    const b = await runCli(['fit', model, '--data', json, '--json', '--seed', '3']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out).params).toEqual(JSON.parse(b.out).params);
    const bad = write('bad.ndjson', `${lines[0]}\n{"x": [1, 2] }}\n`);
    const r = await runCli(['fit', model, '--data', bad]);
    expect(r.out + r.err).toMatch(/bad\.ndjson:2:15: error\[E6021\][^\n]*\n\s*2 \| \{"x": \[1, 2\] \}\}\n/);
  });
});
