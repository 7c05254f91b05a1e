/**
 * The thread count from the outside in: `--threads` on `emforge fit` and `emforge select`
 * (a positive integer, else a usage error, exit 2), `threads` in the API options (checked the
 * same way), the same fit for 1 and 2 threads through the API and the same output of `emforge
 * fit --json` and `emforge select --json`, and `passThreads`' choice (one
 * thread for small passes, never more threads than blocks).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo, compile, main } from '@emforge/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK_ROWS } from '../../src/fast/block-kernel.js';
import { closeWorkerPool, currentWorkerPool } from '../../src/parallel/pool.js';
import { defaultThreads, PARALLEL_MIN_WORK, passThreads } from '../../src/parallel/threads.js';

const gmm = `model gmm {
  size N, D
  size K = 3
  data   x[N]: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}`;

/** n points around three centres (a fixed LCG and Box–Muller). */
function points(n: number): number[][] {
  let s = 7;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const centres = [
    [0, 0],
    [4, 1],
    [-2, 5],
  ];
  return Array.from({ length: n }, (_, i) => {
    const c = centres[i % 3]!;
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    return [c[0]! + r * Math.cos(t), c[1]! + 0.7 * r * Math.sin(t)];
  });
}

afterAll(async () => {
  await closeWorkerPool();
});

describe('--threads', () => {
  it.each([
    ['fit', '0'],
    ['fit', '1.5'],
    ['fit', 'two'],
    ['select', '0'],
  ])('emforge %s --threads %s is a usage error', async (command, value) => {
    const io = captureIo();
    const model = 'examples/old-faithful-gmm/model.em';
    const data = 'examples/old-faithful-gmm/data.json';
    const size = command === 'select' ? ['--size', 'K=1..2'] : [];
    const code = await main([command, model, '--data', data, ...size, '--threads', value], io);
    expect(code).toBe(2);
    expect(io.err()).toContain(`option '--threads <n>' argument '${value}' is invalid. expected a positive integer`);
  });

  it('is checked in the API options', () => {
    expect(() => compile(gmm).fit({ x: points(30) }, { threads: 0 })).toThrow(/threads must be a positive integer/);
  });

  it('gives the same fit on 1 and 2 threads', () => {
    const data = { x: points(12 * BLOCK_ROWS) };
    const options = { restarts: 1, maxIter: 15, tol: 0, seed: 3 };
    const one = compile(gmm).fit(data, { ...options, threads: 1 });
    const two = compile(gmm).fit(data, { ...options, threads: 2 });
    expect(two.history).toEqual(one.history);
    expect(two.params).toEqual(one.params);
    // The mixture's specialised executor ran its E-step on the pool.
    expect(currentWorkerPool()?.size).toBeGreaterThanOrEqual(1);
  });

  it('passes through emforge fit and select: the same output on 1 and 2 threads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emforge-threads-'));
    const model = join(dir, 'gmm.em');
    const data = join(dir, 'data.json');
    writeFileSync(model, gmm);
    writeFileSync(data, JSON.stringify({ x: points(6 * BLOCK_ROWS) }));
    const run = async (args: string[]) => {
      const io = captureIo();
      const code = await main([...args, '--json'], io);
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      return io.out();
    };
    for (const args of [
      ['fit', model, '--data', data, '--restarts', '1', '--max-iter', '10', '--tol', '0', '--quiet'],
      ['select', model, '--data', data, '--size', 'K=2..3', '--restarts', '1', '--max-iter', '5', '--tol', '0'],
    ]) {
      const one = await run([...args, '--threads', '1']);
      expect(await run([...args, '--threads', '2'])).toBe(one);
    }
  });
});

describe('passThreads', () => {
  it('keeps small passes on one thread and never uses more threads than blocks', () => {
    expect(passThreads(4, 1000, 1e6)).toBe(1); // one block
    expect(passThreads(4, 100 * BLOCK_ROWS, 1)).toBe(1); // little work
    expect(passThreads(4, 100 * BLOCK_ROWS, PARALLEL_MIN_WORK)).toBe(4);
    expect(passThreads(8, 3 * BLOCK_ROWS, PARALLEL_MIN_WORK)).toBe(3);
    expect(passThreads(1, 100 * BLOCK_ROWS, PARALLEL_MIN_WORK)).toBe(1);
    expect(passThreads(undefined, 1000 * BLOCK_ROWS, PARALLEL_MIN_WORK)).toBe(Math.min(defaultThreads(), 1000));
  });
});
