/**
 * `emforge sample` on HMMs, scale mixtures, LDA and Poisson–lognormal, in-process: a `fit --json` result of examples/hmm-gaussian as params,
 * sequence lengths one per sequence (`--size T=30,1,50`) or one for all (`--size S=3 --size
 * T=20`), the paths with `--latents`; the output binds as data for `emforge fit` of the same
 * model (round trip); the same seed gives the same bytes; a missing length, a length count that
 * does not match S are clear errors (exit 1), a malformed `--size` a usage error (exit 2). A
 * mixture of Student-t takes ν from `--data` and echoes it; LDA takes one length per document and
 * writes K and V with the corpus; Poisson–lognormal counts fit as they are.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/test/run-cli.js';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}/model.em`, import.meta.url));
const exampleData = (name: string) => fileURLToPath(new URL(`../../examples/${name}/data.json`, import.meta.url));
const hmm = example('hmm-gaussian');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'emforge-sample-chain-'));
}

describe('emforge sample on an HMM', () => {
  it('samples from a fit --json result with ragged lengths; the sample fits as data', async () => {
    const dir = tempDir();
    const fitted = await runCli(['fit', hmm, '--data', exampleData('hmm-gaussian'), '--json', '--restarts', '1']);
    expect(fitted.code, fitted.out + fitted.err).toBe(0);
    const params = join(dir, 'fit.json');
    writeFileSync(params, fitted.out);
    const data = join(dir, 'data.json');
    const latents = join(dir, 'latents.json');
    const args = ['sample', hmm, '--params', params, '--size', 'T=30,1,50', '--seed', '4'];
    const sampled = await runCli([...args, '-o', data, '--latents', latents]);
    expect(sampled.code, sampled.out + sampled.err).toBe(0);
    const y = JSON.parse(readFileSync(data, 'utf8')).y as number[][][];
    expect(y.map((seq) => seq.length)).toEqual([30, 1, 50]);
    expect(y.every((seq) => seq.every((row) => row.length === 2 && row.every(Number.isFinite)))).toBe(true);
    const paths = JSON.parse(readFileSync(latents, 'utf8')).regime as number[][];
    expect(paths.map((p) => p.length)).toEqual([30, 1, 50]);
    const stdout = await runCli(args);
    expect(stdout.out).toBe(readFileSync(data, 'utf8'));
    const again = await runCli(['fit', hmm, '--data', data, '--json', '--restarts', '1', '--max-iter', '20']);
    expect(again.code, again.out + again.err).toBe(0);
    expect(Number.isFinite(JSON.parse(again.out).logLik)).toBe(true);
  });

  it('one length for all sequences; the same seed gives the same bytes, another seed differs', async () => {
    const dir = tempDir();
    const params = join(dir, 'params.json');
    writeFileSync(
      params,
      JSON.stringify({
        init: [0.5, 0.5],
        trans: [
          [0.9, 0.1],
          [0.2, 0.8],
        ],
        emit: [
          [0.5, 0.3, 0.1, 0.05, 0.03, 0.02],
          [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
        ],
      }),
    );
    const args = ['sample', example('hmm-dishonest-casino'), '--params', params, '--size', 'S=3', '--size', 'T=20'];
    const a = await runCli([...args, '--seed', '7']);
    const b = await runCli([...args, '--seed', '7']);
    const c = await runCli([...args, '--seed', '8']);
    expect(a.code, a.out).toBe(0);
    expect(a.out).toBe(b.out);
    expect(c.out).not.toBe(a.out);
    const y = JSON.parse(a.out).y as number[][];
    expect(y.map((seq) => seq.length)).toEqual([20, 20, 20]);
    expect(y.flat().every((v) => Number.isInteger(v) && v >= 0 && v < 6)).toBe(true);
  });

  it('a missing length or a length count that does not match S exits 1 with the message', async () => {
    const dir = tempDir();
    const params = join(dir, 'params.json');
    writeFileSync(
      params,
      JSON.stringify({
        init: [1, 0],
        trans: [
          [1, 0],
          [0, 1],
        ],
        emit: [
          [1, 0, 0, 0, 0, 0],
          [0, 0, 0, 0, 0, 1],
        ],
      }),
    );
    const casino = example('hmm-dishonest-casino');
    const noLength = await runCli(['sample', casino, '--params', params, '--size', 'S=3']);
    expect(noLength.code).toBe(1);
    expect(noLength.out).toContain(
      'error: the length of the sequences is not known: give it with --size T=100, or one length per sequence with --size T=50,80,120',
    );
    const mismatch = await runCli(['sample', casino, '--params', params, '--size', 'S=3', '--size', 'T=4,5']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.out).toContain('error: T has 2 lengths for 3 sequences');
    const malformed = await runCli(['sample', casino, '--params', params, '--size', 'T=4,,5']);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('NAME=L1,L2,…');
  });

  it('a mixture of Student-t: ν from --data, echoed, so the sample fits as it is', async () => {
    const dir = tempDir();
    const params = join(dir, 'params.json');
    writeFileSync(
      params,
      JSON.stringify({
        w: [0.4, 0.6],
        mu: [
          [0, 0],
          [5, 1],
        ],
        Sigma: [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [0.5, 0.1],
            [0.1, 0.5],
          ],
        ],
      }),
    );
    const nu = join(dir, 'nu.json');
    writeFileSync(nu, JSON.stringify({ nu: [5, 9] }));
    const data = join(dir, 'data.json');
    const tmix = example('t-mixture');
    const sampled = await runCli(['sample', tmix, '--params', params, '--data', nu, '--size', 'N=400', '-o', data]);
    expect(sampled.code, sampled.out + sampled.err).toBe(0);
    const raw = JSON.parse(readFileSync(data, 'utf8'));
    expect(raw.nu).toEqual([5, 9]);
    expect(raw.x).toHaveLength(400);
    const fit = await runCli(['fit', tmix, '--data', data, '--json', '--restarts', '2']);
    expect(fit.code, fit.out + fit.err).toBe(0);
    const noNu = await runCli(['sample', tmix, '--params', params, '--size', 'N=10']);
    expect(noNu.code).toBe(1);
    expect(noNu.out).toContain("reads data it does not draw ('nu'): give it with --data FILE");
  });

  it('LDA with one length per document, and Poisson–lognormal: samples that fit as they are', async () => {
    const dir = tempDir();
    const params = join(dir, 'params.json');
    writeFileSync(
      params,
      JSON.stringify({
        topics: [
          [0.5, 0.3, 0.2, 0, 0],
          [0, 0, 0.2, 0.3, 0.5],
        ],
      }),
    );
    const alpha = join(dir, 'alpha.json');
    writeFileSync(alpha, JSON.stringify({ alpha: [0.5, 0.5] }));
    const data = join(dir, 'lda.json');
    const lda = example('lda');
    const args = ['sample', lda, '--params', params, '--data', alpha, '--size', 'Len=20,35,1,50', '-o', data];
    const sampled = await runCli(args);
    expect(sampled.code, sampled.out + sampled.err).toBe(0);
    const raw = JSON.parse(readFileSync(data, 'utf8'));
    expect(raw.w.map((doc: number[]) => doc.length)).toEqual([20, 35, 1, 50]);
    expect([raw.K, raw.V]).toEqual([2, 5]);
    const fit = await runCli(['fit', lda, '--data', data, '--json', '--restarts', '1', '--max-iter', '20']);
    expect(fit.code, fit.out + fit.err).toBe(0);
    const plnParams = join(dir, 'pln.json');
    writeFileSync(plnParams, JSON.stringify({ mu: 1, sigma: 0.5 }));
    const pln = example('poisson-lognormal');
    const counts = join(dir, 'counts.json');
    const plnSample = await runCli(['sample', pln, '--params', plnParams, '--size', 'N=300', '-o', counts]);
    expect(plnSample.code, plnSample.out + plnSample.err).toBe(0);
    const plnFit = await runCli(['fit', pln, '--data', counts, '--json', '--restarts', '1', '--max-iter', '30']);
    expect(plnFit.code, plnFit.out + plnFit.err).toBe(0);
  });
});
