/**
 * `emforge fit` in-process: the text report, `--json` with the DESIGN.md schema, `--out`
 * written atomically (and untouched by a failed run), the same seed giving the same bits, and
 * the exit codes for unsupported models, data errors and usage errors.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli-io.js';
import { main } from '../src/main.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = (name: string, file: string) => join(root, 'examples', name, file);
const faithful = [
  'fit',
  example('old-faithful-gmm', 'model.em'),
  '--data',
  example('old-faithful-gmm', 'data.json'),
  '--restarts',
  '2',
];

async function run(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('emforge fit', () => {
  it('prints a table of params and the log-likelihood', async () => {
    const { code, out } = await run(faithful);
    expect(code).toBe(0);
    expect(out).toMatch(/^old_faithful_gmm: enumerate EM, \d+ iterations, converged/);
    expect(out).toMatch(/log-likelihood -1130\.26/);
    expect(out).toMatch(/BIC /);
  });

  it('--json prints the documented result, identical for the same seed; --out writes the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emforge-fit-'));
    const outFile = join(dir, 'fit.json');
    const a = await run([...faithful, '--json', '--seed', '5', '--out', outFile]);
    const b = await run([...faithful, '--json', '--seed', '5']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const result = JSON.parse(a.out);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'model',
        'strategy',
        'logLik',
        'objective',
        'iterations',
        'converged',
        'params',
        'aic',
        'bic',
        'icl',
        'nParams',
        'nObs',
        'history',
        'warnings',
      ]),
    );
    expect(result.params.Sigma).toHaveLength(2);
    expect(result.params.Sigma[0]).toHaveLength(2);
    expect(result.nParams).toBe(11);
    expect(readFileSync(outFile, 'utf8')).toBe(a.out);
    expect(readdirSync(dir)).toEqual(['fit.json']);
  });

  it("--report writes one self-contained HTML page with every restart's trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emforge-fit-'));
    const report = join(dir, 'fit.html');
    const { code } = await run([...faithful, '--report', report, '--json']);
    expect(code).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('old_faithful_gmm');
    expect(html).toContain('restart 1');
    expect(html).toContain('restart 2');
    // Self-contained: no script or stylesheet is fetched from anywhere.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
    expect(readdirSync(dir)).toEqual(['fit.html']);
  });

  it('exits 1 with E5001 for a model the runtime cannot run yet, leaving --out untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emforge-fit-'));
    const outFile = join(dir, 'fit.json');
    writeFileSync(outFile, 'old');
    const { code, out } = await run([
      'fit',
      join(root, 'test', 'golden', 'cli', 'inputs', 'logistic-normal.em'),
      '--data',
      example('mixture-logistic', 'data.json'),
      '--out',
      outFile,
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/error\[E5001\]: this model's plan is not supported by the runtime yet: .*eta/);
    expect(readFileSync(outFile, 'utf8')).toBe('old');
  });

  it('exits 1 with data diagnostics, 2 on usage errors', async () => {
    const data = await run([
      'fit',
      example('old-faithful-gmm', 'model.em'),
      '--data',
      example('poisson-mixture-map', 'data.json'),
    ]);
    expect(data.code).toBe(1);
    expect(data.out).toMatch(/E6006/);
    expect((await run(['fit', example('old-faithful-gmm', 'model.em')])).code).toBe(2);
    expect((await run([...faithful, '--size', 'K'])).code).toBe(2);
    expect((await run([...faithful, '--restarts', '0'])).code).toBe(2);
    expect(existsSync(join(root, 'fit.json'))).toBe(false);
  });

  it('--size overrides a size default', async () => {
    const { code, out } = await run([...faithful, '--size', 'K=3', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).params.weights).toHaveLength(3);
  });
});
