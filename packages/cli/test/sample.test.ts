/**
 * `emforge sample` in-process: sample → fit round trip (the fit recovers the params it sampled
 * from), the same seed giving the same bytes (stdout and --out), params problems naming the
 * param with exit 1 (and --out untouched), usage errors with exit 2.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';

const gmmParams = {
  weights: [0.5, 0.3, 0.2],
  mu: [
    [0, 0],
    [6, 0],
    [0, 6],
  ],
  Sigma: [
    [
      [1, 0.3],
      [0.3, 1],
    ],
    [
      [0.5, 0],
      [0, 0.5],
    ],
    [
      [1, -0.2],
      [-0.2, 0.8],
    ],
  ],
};
const poisParams = { w: [0.4, 0.6], rate: [2, 12] };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'emforge-sample-'));
}

function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** Pairs fitted components with the true ones (label switching) by the nearest first coordinate. */
function matchOrder(fitted: number[], truth: number[]): number[] {
  return truth.map((t) => fitted.reduce((best, v, k) => (Math.abs(v - t) < Math.abs(fitted[best]! - t) ? k : best), 0));
}

describe('emforge sample', () => {
  it('GMM: sample, then fit the sample, recovers the params', async () => {
    const dir = tempDir();
    const params = writeJson(dir, 'params.json', gmmParams);
    const data = join(dir, 'data.json');
    const sampled = await runCli([
      'sample',
      fixture('gmm.em'),
      '--params',
      params,
      '--size',
      'N=3000',
      '--seed',
      '3',
      '-o',
      data,
    ]);
    expect(sampled.code, sampled.out + sampled.err).toBe(0);
    expect(sampled.out).toBe('');
    const rows = JSON.parse(readFileSync(data, 'utf8')).x as number[][];
    expect(rows).toHaveLength(3000);
    expect(rows[0]).toHaveLength(2);
    const fit = await runCli(['fit', fixture('gmm.em'), '--data', data, '--json', '--restarts', '3']);
    expect(fit.code, fit.out + fit.err).toBe(0);
    const result = JSON.parse(fit.out);
    const mu = result.params.mu as number[][];
    const order = matchOrder(
      mu.map((m) => m[0]! + 10 * m[1]!),
      gmmParams.mu.map((m) => m[0]! + 10 * m[1]!),
    );
    expect(new Set(order).size).toBe(3);
    order.forEach((k, j) => {
      expect(result.params.weights[k]).toBeCloseTo(gmmParams.weights[j]!, 1);
      for (let d = 0; d < 2; d++) expect(Math.abs(mu[k]![d]! - gmmParams.mu[j]![d]!)).toBeLessThan(0.15);
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++)
          expect(Math.abs(result.params.Sigma[k][a][b] - gmmParams.Sigma[j]![a]![b]!)).toBeLessThan(0.2);
    });
  });

  it('Poisson mixture: a fit result (fit --json) is accepted as params; the round trip recovers them', async () => {
    const dir = tempDir();
    const params = writeJson(dir, 'fit.json', { model: 'poismix', logLik: -1, params: poisParams });
    const data = join(dir, 'data.json');
    const sampled = await runCli(['sample', fixture('poismix.em'), '--params', params, '--size', 'N=4000', '-o', data]);
    expect(sampled.code, sampled.out + sampled.err).toBe(0);
    const y = JSON.parse(readFileSync(data, 'utf8')).y as number[];
    expect(y).toHaveLength(4000);
    expect(y.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const fit = await runCli(['fit', fixture('poismix.em'), '--data', data, '--json', '--restarts', '3']);
    expect(fit.code, fit.out + fit.err).toBe(0);
    const result = JSON.parse(fit.out);
    const order = matchOrder(result.params.rate, poisParams.rate);
    order.forEach((k, j) => {
      expect(Math.abs(result.params.rate[k] - poisParams.rate[j]!)).toBeLessThan(0.1 * poisParams.rate[j]! + 0.1);
      expect(Math.abs(result.params.w[k] - poisParams.w[j]!)).toBeLessThan(0.03);
    });
  });

  it('the same seed gives byte-identical output; another seed differs', async () => {
    const dir = tempDir();
    const params = writeJson(dir, 'params.json', gmmParams);
    const args = ['sample', fixture('gmm.em'), '--params', params, '--size', 'N=200'];
    const a = await runCli([...args, '--seed', '7']);
    const b = await runCli([...args, '--seed', '7']);
    const c = await runCli([...args, '--seed', '8']);
    expect(a.code).toBe(0);
    expect(a.out.length).toBeGreaterThan(0);
    expect(b.out).toBe(a.out);
    expect(c.out).not.toBe(a.out);
    const out = join(dir, 'data.json');
    expect((await runCli([...args, '--seed', '7', '-o', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(a.out);
  });

  it('a missing param exits 1 naming it, leaving --out untouched', async () => {
    const dir = tempDir();
    const { Sigma: _, ...partial } = gmmParams;
    const params = writeJson(dir, 'params.json', partial);
    const out = join(dir, 'data.json');
    writeFileSync(out, 'old');
    const r = await runCli(['sample', fixture('gmm.em'), '--params', params, '--size', 'N=10', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/'Sigma'/);
    expect(r.out + r.err).toMatch(/missing/);
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['data.json', 'params.json']);
  });

  it('a param of the wrong shape exits 1 naming it', async () => {
    const dir = tempDir();
    const params = writeJson(dir, 'params.json', {
      ...gmmParams,
      mu: [
        [0, 0, 0],
        [6, 0, 0],
        [0, 6, 0],
      ],
    });
    const r = await runCli(['sample', fixture('gmm.em'), '--params', params, '--size', 'N=10']);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/'(mu|Sigma)'/);
    const short = writeJson(dir, 'short.json', { ...poisParams, rate: [2] });
    const s = await runCli(['sample', fixture('poismix.em'), '--params', short, '--size', 'N=10']);
    expect(s.code).toBe(1);
    expect(s.out + s.err).toMatch(/'rate'/);
  });

  it('exits 2 for an unknown option or a malformed --size, 1 for a missing params file', async () => {
    const dir = tempDir();
    const params = writeJson(dir, 'params.json', poisParams);
    const unknown = await runCli(['sample', fixture('poismix.em'), '--params', params, '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.out + unknown.err).toMatch(/bogus/);
    const badSize = await runCli(['sample', fixture('poismix.em'), '--params', params, '--size', 'N=-3']);
    expect(badSize.code).toBe(2);
    const noParams = await runCli(['sample', fixture('poismix.em')]);
    expect(noParams.code).toBe(2);
    const missingFile = await runCli([
      'sample',
      fixture('poismix.em'),
      '--params',
      join(dir, 'nope.json'),
      '--size',
      'N=5',
    ]);
    expect(missingFile.code).toBe(1);
    expect(existsSync(join(dir, 'nope.json'))).toBe(false);
  });
});
