/**
 * `emforge fit` on the dishonest-casino HMM, in-process: `--json` prints the result with the
 * forward–backward strategy, and `--posteriors FILE` writes the smoothed state marginals (one
 * row per roll of every sequence, rows summing to 1) and the Viterbi path of every sequence.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo, main } from '@emforge/cli';
import { expect, it } from 'vitest';
import { root } from './fit-helpers.js';

const example = (file: string) => join(fileURLToPath(root), 'examples', 'hmm-dishonest-casino', file);

it('emforge fit --json --posteriors on the dishonest casino', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'emforge-hmm-')), 'posteriors.json');
  const io = captureIo();
  const code = await main(
    ['fit', example('model.em'), '--data', example('data.json'), '--json', '--posteriors', out],
    io,
  );
  expect(io.err()).toBe('');
  expect(code).toBe(0);
  const result = JSON.parse(io.out());
  expect(result.strategy).toBe('forward-backward');
  expect(result.converged).toBe(true);
  expect(Object.keys(result.params)).toEqual(['init', 'trans', 'emit']);
  expect(result.nParams).toBe(1 + 2 + 10);
  const y = JSON.parse(readFileSync(example('data.json'), 'utf8')).y as number[][];
  const steps = y.reduce((a, s) => a + s.length, 0);
  expect(result.nObs).toBe(steps);
  const posteriors = JSON.parse(readFileSync(out, 'utf8'));
  expect(posteriors.latents).toEqual(['die']);
  expect(posteriors.states).toEqual(['die=0', 'die=1']);
  expect(posteriors.responsibilities).toHaveLength(steps);
  for (const row of posteriors.responsibilities) expect(Math.abs(row[0] + row[1] - 1)).toBeLessThan(1e-12);
  expect(posteriors.paths.die.map((p: number[]) => p.length)).toEqual(y.map((s) => s.length));
  // The loaded die (the state whose emission puts most mass on a six) is the one the path marks most rarely.
  const loaded = result.params.emit[0][5] > result.params.emit[1][5] ? 0 : 1;
  const marked = posteriors.paths.die.flat().filter((k: number) => k === loaded).length;
  expect(marked).toBeGreaterThan(0);
  expect(marked).toBeLessThan(steps / 2);
});
