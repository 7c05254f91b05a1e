/**
 * `emforge fit`'s EM options — --variant, --accelerate, --init (method or file), --fix,
 * --reg-covar, --posteriors — with their usage errors (exit 2) and param-file diagnostics
 * (exit 1), and the TypeScript API (`compile(text).fit(data, options)`) against `fit --json`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, ModelError } from '../src/index.js';
import { runCli } from './run-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = (file: string) => join(root, 'examples', 'old-faithful-gmm', file);
const faithful = ['fit', example('model.em'), '--data', example('data.json'), '--restarts', '2'];
const dir = mkdtempSync(join(tmpdir(), 'emforge-fit-options-'));
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

describe('emforge fit --variant / --accelerate / --reg-covar', () => {
  it.each(['em', 'hard', 'stochastic'])('--variant %s fits', async (variant) => {
    const { code, out } = await runCli([...faithful, '--variant', variant, '--max-iter', '50', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).warnings.filter((w: string) => w.includes('decreased'))).toEqual([]);
  });

  it('--accelerate squarem reports cycles and EM maps', async () => {
    const { code, out } = await runCli([...faithful, '--accelerate', 'squarem', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.converged).toBe(true);
    expect(r.emSteps).toBeGreaterThanOrEqual(r.iterations);
    expect(r.logLik).toBeCloseTo(-1130.26, 1);
  });

  it.each([
    [['--variant', 'soft'], /--variant.*expected one of em, hard, stochastic, not 'soft'/],
    [['--accelerate', 'aitken'], /expected one of squarem, none/],
    [['--reg-covar', '-1'], /--reg-covar.*non-negative/],
    [['--accelerate', 'squarem', '--variant', 'hard'], /squarem works with --variant em only/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { code, err } = await runCli([...faithful, ...args]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/Usage: emforge fit/);
  });
});

describe('emforge fit --init / --fix', () => {
  // biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON
  const sim: any = JSON.parse(
    readFileSync(join(root, 'test/peers/gmm/sim_d2_k4_n800_overlapping.sklearn.json'), 'utf8'),
  );
  const initial = sim.forms.full.initial;
  const params = { weights: initial.weights, mu: initial.means, Sigma: initial.covariances_compact };
  const simData = write('sim.json', { x: sim.data.x });
  const simFit = ['fit', example('model.em'), '--data', simData, '--size', 'K=4'];

  it.each(['kmeans++', 'random', 'random-points'])('--init %s fits', async (method) => {
    const { code } = await runCli([...faithful, '--init', method, '--json']);
    expect(code).toBe(0);
  });

  it('--init FILE starts from the given values: 1 iteration is one EM step (sklearn checkpoint n = 1)', async () => {
    const init = write('init.json', { model: 'x', params });
    const { code, out } = await runCli([
      ...simFit,
      ...['--init', init, '--max-iter', '1', '--tol', '0', '--reg-covar', '0', '--restarts', '1', '--json'],
    ]);
    expect(code).toBe(0);
    const want = sim.forms.full.runs.find((r: { n_iter: number }) => r.n_iter === 1).loglik;
    expect(Math.abs(JSON.parse(out).logLik - want) / Math.abs(want)).toBeLessThan(1e-9);
  });

  it('--fix FILE holds params and drops them from nParams', async () => {
    const fixed = write('fixed.json', { weights: [0.5, 0.5] });
    const a = JSON.parse((await runCli([...faithful, '--json'])).out);
    const b = JSON.parse((await runCli([...faithful, '--fix', fixed, '--json'])).out);
    expect(b.params.weights).toEqual([0.5, 0.5]);
    expect(b.nParams).toBe(a.nParams - 1);
  });

  it.each([
    [
      '--init',
      { mu: [[1, 2]] },
      /--init .*param 'mu' is declared with shape \[2, 2\] \(K × D\): mu should be an array of 2, got an array of 1/,
    ],
    [
      '--fix',
      {
        Sigma: [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 2],
            [2, 1],
          ],
        ],
      },
      /--fix .*param 'Sigma' element 1 is not a symmetric positive-definite matrix/,
    ],
    ['--fix', { weights: [0.3, 0.3] }, /param 'weights' is not on the simplex/],
    ['--init', { nu: 3 }, /'nu' is not a param of old_faithful_gmm \(its params: weights, mu, Sigma\)/],
    ['--init', { weights: [0.5, 'a'] }, /weights\[1\] is "a", not a finite number/],
  ])('%s FILE that does not match the params: exit 1 naming the param', async (option, value, message) => {
    const { code, err } = await runCli([...faithful, option, write('bad.json', value)]);
    expect(code).toBe(1);
    expect(err).toMatch(message);
  });

  it('an unreadable or malformed params file is exit 1', async () => {
    const missing = await runCli([...faithful, '--init', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /--init .*nope\.json: cannot read the file \(expected kmeans\+\+, random, random-points or a JSON file\)/,
    );
    const broken = await runCli([...faithful, '--fix', write('broken.json', '{ "weights": ')]);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/--fix .*: not valid JSON/);
  });
});

describe('emforge fit --posteriors', () => {
  it('writes the responsibilities as JSON, columns named by latent states', async () => {
    const file = join(dir, 'post.json');
    expect((await runCli([...faithful, '--posteriors', file])).code).toBe(0);
    const p = JSON.parse(readFileSync(file, 'utf8'));
    expect(p.states).toEqual(['z=0', 'z=1']);
    expect(p.responsibilities).toHaveLength(272);
    for (const row of p.responsibilities) expect(row[0] + row[1]).toBeCloseTo(1, 12);
  });

  it('as CSV by extension, and not at all when the run fails', async () => {
    const file = join(dir, 'post.csv');
    expect((await runCli([...faithful, '--posteriors', file])).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('item,z=0,z=1');
    expect(lines).toHaveLength(273);
    const failed = join(dir, 'failed.csv');
    const bad = await runCli([...faithful, '--fix', write('bad2.json', { weights: [2] }), '--posteriors', failed]);
    expect(bad.code).toBe(1);
    expect(existsSync(failed)).toBe(false);
  });
});

describe('the TypeScript API', () => {
  const text = readFileSync(example('model.em'), 'utf8');
  const data = JSON.parse(readFileSync(example('data.json'), 'utf8'));

  it('compile(text).fit(data, {seed: 1}) equals emforge fit --json --seed 1', async () => {
    const model = compile(text, { path: 'model.em' });
    expect(model.plan).toBeDefined();
    const api = model.fit(data, { seed: 1 });
    const { code, out } = await runCli([
      'fit',
      example('model.em'),
      '--data',
      example('data.json'),
      '--json',
      '--seed',
      '1',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(JSON.stringify(api))).toEqual(JSON.parse(out));
  });

  it('takes the CLI options, and reports each iteration', () => {
    const seen: number[] = [];
    const r = compile(text).fit(data, {
      restarts: 1,
      variant: 'hard',
      fixed: { weights: [0.4, 0.6] },
      onIteration: (i) => seen.push(i.objective),
    });
    expect(r.params.weights).toEqual([0.4, 0.6]);
    expect(seen).toEqual(r.history);
  });

  it('throws a ModelError with the diagnostics for a bad model, bad data or bad values', () => {
    expect(() => compile('model m { param p: real }  oops')).toThrow(ModelError);
    try {
      compile('model m { data y[N]: real param mu: real for n in N { y[n] ~ Normal(mu, sigma) } }');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).diagnostics.length).toBeGreaterThan(0);
      expect((error as ModelError).message).toMatch(/sigma/);
    }
    const model = compile(text);
    expect(() => model.fit({ x: [[1, 'a']] })).toThrow(ModelError);
    expect(() => model.fit(data, { init: { mu: 3 } })).toThrow(/param 'mu' is declared with shape \[2, 2\]/);
  });
});
