/**
 * The streamed fit (runtime/src/stream/) against the in-memory fast fit: the same JSON, bit for
 * bit, for full and diagonal Gaussian and Poisson mixtures (and the other specialised families),
 * with k-means++, random-points and random inits, restarts, reads of 1, 7 and more than N rows,
 * 1 and 2 threads, from memory and from a spool file; the spool removed afterwards; what a model
 * that cannot stream is told.
 */
import { existsSync } from 'node:fs';
import {
  type EmFitOptions,
  fitStreamed,
  fitWithPosteriors,
  memoryRows,
  SpoolFile,
  StreamSetupError,
  streamedValues,
  streamObstacle,
} from '@emforge/runtime';
import { describe, expect, test } from 'vitest';
import { prepare } from '../fit/fit-helpers.js';

const header = (obs: string, params: string, data: string, sizes = 'size N, D') =>
  `model m {\n ${sizes}\n size K = 3\n data x[N]: ${data}\n param w: simplex[K]\n ${params}\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ ${obs}\n }\n}`;

/** A small deterministic generator (LCG) so the data need no fixture. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}
function gaussRows(n: number, d: number, seed: number): number[][] {
  const u = lcg(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => (i % 3) * 3 + j * (i % 3) + normal() * (1 + j / 2)),
  );
}

// More than 2 blocks of 2,048 rows and enough work for a second thread to take blocks.
const rows = gaussRows(12_500, 3, 11);
const models = {
  full: {
    model: header('MvNormal(mu[z[n]], Sigma[z[n]])', 'param mu[K]: real[D]\n param Sigma[K]: cov[D]', 'real[D]'),
    data: { x: rows },
  },
  diag: {
    model: header('Normal(mu[z[n]], s[z[n]])', 'param mu[K]: real[D]\n param s[K]: positive[D]', 'real[D]'),
    data: { x: rows },
  },
  poisson: {
    model: header('Poisson(rate[z[n]])', 'param rate[K]: positive[D]', 'count[D]'),
    data: { x: rows.map((r) => r.map((v) => Math.floor(Math.abs(v * 2)))) },
  },
  tied: {
    model: header('MvNormal(mu[z[n]], Sigma)', 'param mu[K]: real[D]\n param Sigma: cov[D]', 'real[D]'),
    data: { x: rows.slice(0, 3000) },
  },
  bernoulli: {
    model: header('Bernoulli(p[z[n]])', 'param p[K]: prob[D]', 'int[D]'),
    data: { x: rows.slice(0, 3000).map((r) => r.map((v) => (v > 2 ? 1 : 0))) },
  },
} as const;

function inMemoryAndStreamed(name: keyof typeof models, options: EmFitOptions & { chunkRows?: number }) {
  const { program, data } = prepare(models[name].model, models[name].data);
  const x = data.variables.x!;
  const d = x.shape[1] ?? 1;
  const n = x.shape[0]!;
  const memory = fitWithPosteriors(program, data, { ...options, posteriors: false });
  const shell = { ...data, variables: { x: { ...x, values: streamedValues(x.values.length) } } };
  const streamed = fitStreamed(program, shell, memoryRows(x.values, n, d), { ...options, posteriors: false });
  return { memory: JSON.stringify(memory.result), streamed: JSON.stringify(streamed.result), n };
}

describe('streamed fit = in-memory fit, bit for bit', () => {
  const cases: [keyof typeof models, number, number][] = [
    ['full', 1, 1],
    ['full', 7, 2],
    ['full', 100_000, 2],
    ['diag', 1, 2],
    ['diag', 7, 1],
    ['diag', 100_000, 1],
    ['poisson', 1, 1],
    ['poisson', 7, 2],
    ['poisson', 100_000, 2],
  ];
  test.each(cases)('%s, reads of %i rows, %i threads, 3 restarts', (name, chunkRows, threads) => {
    const { memory, streamed } = inMemoryAndStreamed(name, { seed: 3, restarts: 3, maxIter: 40, threads, chunkRows });
    expect(streamed).toBe(memory);
  });
  test.each(['random', 'random-points'] as const)('init %s', (init) => {
    const a = inMemoryAndStreamed('full', { seed: 5, restarts: 2, maxIter: 20, initMethod: init, chunkRows: 5000 });
    expect(a.streamed).toBe(a.memory);
    const b = inMemoryAndStreamed('poisson', { seed: 5, restarts: 2, maxIter: 20, initMethod: init, chunkRows: 5000 });
    expect(b.streamed).toBe(b.memory);
  });
  test('SQUAREM, given init values and a fixed param', () => {
    const a = inMemoryAndStreamed('diag', { seed: 6, restarts: 2, maxIter: 15, accelerate: 'squarem', chunkRows: 7 });
    expect(a.streamed).toBe(a.memory);
    const options = {
      seed: 6,
      maxIter: 15,
      chunkRows: 4096,
      init: {
        mu: [
          [0, 0, 0],
          [3, 4, 5],
          [6, 8, 10],
        ],
      },
      fixed: { w: [0.2, 0.3, 0.5] },
    };
    const b = inMemoryAndStreamed('full', options);
    expect(b.streamed).toBe(b.memory);
  });
  test.each(['tied', 'bernoulli'] as const)('%s', (name) => {
    const { memory, streamed } = inMemoryAndStreamed(name, { seed: 2, restarts: 2, maxIter: 30, chunkRows: 7 });
    expect(streamed).toBe(memory);
  });
  test('with the posteriors pass (its log-likelihood)', () => {
    const { program, data } = prepare(models.diag.model, models.diag.data);
    const x = data.variables.x!;
    const memory = fitWithPosteriors(program, data, { seed: 4, maxIter: 15 });
    const shell = { ...data, variables: { x: { ...x, values: streamedValues(x.values.length) } } };
    const streamed = fitStreamed(program, shell, memoryRows(x.values, 12_500, 3), {
      seed: 4,
      maxIter: 15,
      chunkRows: 7,
    });
    expect(JSON.stringify(streamed.result)).toBe(JSON.stringify(memory.result));
    expect(streamed.posteriors.responsibilities).toEqual([]);
  });
  test('an empty component re-seeded from a row read back (K larger than the clusters)', () => {
    const model = header('Normal(mu[z[n]], s[z[n]])', 'param mu[K]: real[D]\n param s[K]: positive[D]', 'real[D]');
    const few = rows.slice(0, 40).map((r, i) => (i < 38 ? [1, 2, 3] : r));
    const { program, data } = prepare(model.replace('size K = 3', 'size K = 4'), { x: few });
    const x = data.variables.x!;
    const options = { seed: 1, maxIter: 10, posteriors: false };
    const memory = fitWithPosteriors(program, data, options);
    const shell = { ...data, variables: { x: { ...x, values: streamedValues(x.values.length) } } };
    const streamed = fitStreamed(program, shell, memoryRows(x.values, 40, 3), { ...options, chunkRows: 3 });
    expect(JSON.stringify(streamed.result)).toBe(JSON.stringify(memory.result));
    expect(streamed.result.warnings.join('\n')).toMatch(/is empty .*re-seeded from item/);
  });
});

describe('spool file', () => {
  test('fits from a spool and is removed', () => {
    const { program, data } = prepare(models.full.model, models.full.data);
    const x = data.variables.x!;
    const spool = new SpoolFile(3);
    try {
      for (let i = 0; i < 12_500; i += 1000) spool.append(x.values.subarray(i * 3), Math.min(1000, 12_500 - i));
      expect(spool.n).toBe(12_500);
      const options = { seed: 7, restarts: 2, maxIter: 20, posteriors: false };
      const memory = fitWithPosteriors(program, data, options);
      const shell = { ...data, variables: { x: { ...x, values: streamedValues(x.values.length) } } };
      const streamed = fitStreamed(program, shell, spool, { ...options, chunkRows: 3000 });
      expect(JSON.stringify(streamed.result)).toBe(JSON.stringify(memory.result));
    } finally {
      spool.remove();
    }
    expect(existsSync(spool.path)).toBe(false);
  });
});

describe('models that cannot stream', () => {
  test('a second observation', () => {
    const model = `model m {\n size N\n size K = 2\n data x[N]: real\n data y[N]: real\n param w: simplex[K]\n param mu[K]: real\n param s[K]: positive\n param nu[K]: real\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ Normal(mu[z[n]], s[z[n]])\n y[n] ~ Normal(nu[z[n]], 1)\n }\n}`;
    const { program, data } = prepare(model, { x: [1, 2, 3, 4], y: [1, 2, 3, 4] });
    expect(streamObstacle(program, data)).toMatch(/only the specialised mixtures stream/);
    expect(() => fitStreamed(program, data, memoryRows(data.variables.x!.values, 4, 1))).toThrow(StreamSetupError);
  });
  test('the general executor asked for', () => {
    const { program, data } = prepare(models.diag.model, { x: rows.slice(0, 10) });
    expect(streamObstacle(program, data, { specialise: false })).toMatch(/general executor was asked for/);
  });
});
