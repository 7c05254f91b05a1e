/**
 * `emforge fit --stream` (and `select --stream`): the same `--json` result, bit for bit, as without it, from CSV
 * and NDJSON, for full and diagonal Gaussian and Poisson mixtures, chunks of 1, 7 and more than
 * N rows, 1 and 2 threads, 3 restarts; the spool file removed after a fit and after a data
 * error; a bad value in the middle of the file reported as without --stream; what is refused.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, stackLine } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'emforge-stream-'));

const header = (obs: string, params: string, data: string) =>
  `model m {\n size N, D\n size K = 3\n data x[N]: ${data}\n param w: simplex[K]\n ${params}\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ ${obs}\n }\n}\n`;

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}
const u = lcg(5);
const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
const gauss = Array.from({ length: 300 }, (_, i) =>
  Array.from({ length: 3 }, (_, j) => (i % 3) * 3 + j * (i % 3) + normal() * (1 + j / 2)),
);
const counts = gauss.map((r) => r.map((v) => Math.floor(Math.abs(v * 2))));

const models = {
  full: {
    model: header('MvNormal(mu[z[n]], Sigma[z[n]])', 'param mu[K]: real[D]\n param Sigma[K]: cov[D]', 'real[D]'),
    rows: gauss,
  },
  diag: {
    model: header('Normal(mu[z[n]], s[z[n]])', 'param mu[K]: real[D]\n param s[K]: positive[D]', 'real[D]'),
    rows: gauss,
  },
  poisson: { model: header('Poisson(rate[z[n]])', 'param rate[K]: positive[D]', 'count[D]'), rows: counts },
} as const;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const csvOf = (rows: readonly (readonly number[])[]) =>
  `x.0,x.1,x.2\n${rows.map((r) => r.map((v) => String(v)).join(',')).join('\n')}\n`;
const ndjsonOf = (rows: readonly (readonly unknown[])[]) => `${rows.map((r) => JSON.stringify({ x: r })).join('\n')}\n`;

const files: Record<string, { model: string; csv: string; ndjson: string }> = {};
for (const [name, { model, rows }] of Object.entries(models)) {
  files[name] = {
    model: write(`${name}.em`, model),
    csv: write(`${name}.csv`, csvOf(rows)),
    ndjson: write(`${name}.ndjson`, ndjsonOf(rows)),
  };
}

/** Spool files of this process left in the temporary directory. */
const spools = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`emforge-spool-${process.pid}-`));

describe('fit --stream = fit, bit for bit', () => {
  const cases: [keyof typeof models, 'csv' | 'ndjson', number, number][] = [
    ['full', 'csv', 1, 1],
    ['full', 'ndjson', 7, 2],
    ['diag', 'ndjson', 1, 2],
    ['diag', 'csv', 1000, 1],
    ['poisson', 'csv', 7, 2],
    ['poisson', 'ndjson', 1000, 1],
  ];
  test.each(cases)('%s, %s, chunks of %i rows, %i threads, 3 restarts', async (name, format, chunk, threads) => {
    const f = files[name]!;
    const common = [f.model, '--data', f[format], '--json', '--restarts', '3', '--max-iter', '60', '--seed', '2'];
    const memory = await runCli(['fit', ...common, '--threads', String(threads)]);
    const streamed = await runCli([
      'fit',
      ...common,
      '--threads',
      String(threads),
      '--stream',
      '--chunk-rows',
      String(chunk),
    ]);
    expect(memory.code, memory.err).toBe(0);
    expect(streamed.code, streamed.err).toBe(0);
    expect(streamed.out).toBe(memory.out);
    expect(spools()).toEqual([]);
  });
});

describe('select --stream = select, bit for bit', () => {
  test.each([
    ['diag', 'csv'],
    ['poisson', 'ndjson'],
  ] as const)('%s, %s, K = 1..3', async (name, format) => {
    const f = files[name]!;
    const common = [f.model, '--data', f[format], '--size', 'K=1..3', '--json', '--restarts', '2', '--max-iter', '40'];
    const memory = await runCli(['select', ...common]);
    const streamed = await runCli(['select', ...common, '--stream', '--chunk-rows', '7']);
    expect(memory.code, memory.err).toBe(0);
    expect(streamed.code, streamed.err).toBe(0);
    expect(streamed.out).toBe(memory.out);
    expect(spools()).toEqual([]);
  });
});

describe('data errors', () => {
  const bad = gauss.map((r) => r.map(String));
  bad[150] = ['1.5', 'abc', '2'];
  const csv = write('bad.csv', `x.0,x.1,x.2\n${bad.map((r) => r.join(',')).join('\n')}\n`);
  const ndjson = write(
    'bad.ndjson',
    ndjsonOf(gauss.map((r, i) => (i === 150 ? [r[0], 'abc', r[2]] : r)) as unknown[][]),
  );
  // Item 150 is on line 152 of the CSV file (after the header), line 151 of the NDJSON one.
  test.each([
    ['csv', csv, ':152:'],
    ['ndjson', ndjson, ':151:'],
  ])('a bad value in the middle of a %s file: the diagnostic of the in-memory load', async (_format, data, line) => {
    const model = files.full!.model;
    const memory = await runCli(['fit', model, '--data', data]);
    const streamed = await runCli(['fit', model, '--data', data, '--stream', '--chunk-rows', '7']);
    expect(memory.code).toBe(1);
    expect(streamed.code).toBe(1);
    expect(streamed.out).toBe(memory.out);
    expect(streamed.out).toMatch(/x\[150\]\[1\]/);
    expect(streamed.out).toContain(line);
    expect(streamed.err).not.toMatch(stackLine);
    expect(spools()).toEqual([]);
  });
  test('a row of another length in the middle (D bound by the first row, as in memory)', async () => {
    const data = write('ragged.ndjson', ndjsonOf(gauss.map((r, i) => (i === 222 ? [...r, 1] : r))));
    const model = files.full!.model;
    const memory = await runCli(['fit', model, '--data', data]);
    const streamed = await runCli(['fit', model, '--data', data, '--stream', '--chunk-rows', '10']);
    expect(memory.code).toBe(1);
    expect(streamed.code).toBe(1);
    expect(streamed.out).toBe(memory.out);
    expect(streamed.out).toMatch(/x\[222\]/);
    expect(spools()).toEqual([]);
  });
  test('an NDJSON syntax error in the middle', async () => {
    const lines = ndjsonOf(gauss).split('\n');
    lines[200] = '{"x": [1, 2,';
    const data = write('syntax.ndjson', lines.join('\n'));
    const model = files.full!.model;
    const memory = await runCli(['fit', model, '--data', data]);
    const streamed = await runCli(['fit', model, '--data', data, '--stream', '--chunk-rows', '64']);
    expect(streamed.code).toBe(1);
    expect(streamed.out).toBe(memory.out);
    expect(spools()).toEqual([]);
  });
});

describe('what --stream refuses', () => {
  test('--posteriors', async () => {
    const f = files.diag!;
    const r = await runCli(['fit', f.model, '--data', f.csv, '--stream', '--posteriors', join(dir, 'p.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--posteriors cannot be used with --stream: a streamed fit keeps no responsibilities');
  });
  test('a model the streamed executor cannot run', async () => {
    const model = write(
      'two.em',
      'model m {\n size N\n size K = 2\n data x[N]: real[2]\n param w: simplex[K]\n param mu[K]: real[2]\n param s[K]: positive\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ Normal(mu[z[n]], s[z[n]] * 2)\n }\n}\n',
    );
    const data = write(
      'two.csv',
      csvOf(gauss)
        .replace(/,[^,\n]*\n/g, '\n')
        .replace('x.0,x.1', 'x.0,x.1'),
    );
    const r = await runCli(['fit', model, '--data', data, '--stream']);
    expect(r.err).not.toMatch(stackLine);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--stream: this model cannot be fitted streamed: only the specialised mixtures stream');
    expect(spools()).toEqual([]);
  });
  test('JSON data', async () => {
    const f = files.diag!;
    const data = write('d.json', JSON.stringify({ x: gauss }));
    const r = await runCli(['fit', f.model, '--data', data, '--stream']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--stream reads CSV or NDJSON files');
  });
  test('--chunk-rows without --stream', async () => {
    const f = files.diag!;
    const r = await runCli(['fit', f.model, '--data', f.csv, '--chunk-rows', '5']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--chunk-rows needs --stream');
  });
});
