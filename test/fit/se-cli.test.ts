/**
 * Standard errors through the user-facing entry points: `emforge fit --se` (a "± SE" beside each
 * value in the text table and the method under it; `standardErrors` and `seMethod` after
 * `params` in `--json`; nothing of the kind without `--se`) and the API's
 * `compile(source).fit(data, { se: true })`, which must agree with the analytic Poisson error.
 */
import { captureIo, compile, main } from '@emforge/cli';
import { describe, expect, it } from 'vitest';

const faithful = ['fit', 'examples/old-faithful-gmm/model.em', '--data', 'examples/old-faithful-gmm/data.json'];

async function run(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('standard errors on the command line and in the API', () => {
  it('emforge fit --se: ± beside each value, the method, and the JSON fields after params', async () => {
    const text = await run([...faithful, '--restarts', '1', '--se']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/weights {2}\[0\.\d+ ± 0\.0\d+, 0\.\d+ ± 0\.0\d+\]/);
    expect(text.out).toContain('± standard errors: observed information: Hessian of the observed-data log-likelihood');
    const json = await run([...faithful, '--restarts', '1', '--se', '--json']);
    const result = JSON.parse(json.out) as Record<string, unknown>;
    const keys = Object.keys(result);
    expect(keys.slice(keys.indexOf('params'), keys.indexOf('params') + 3)).toEqual([
      'params',
      'standardErrors',
      'seMethod',
    ]);
    const se = result.standardErrors as { Sigma: number[][][] };
    expect(se.Sigma).toHaveLength(2);
    const plain = JSON.parse((await run([...faithful, '--restarts', '1', '--json'])).out) as Record<string, unknown>;
    expect(plain).not.toHaveProperty('standardErrors');
    expect(plain.params).toEqual(result.params);
  });

  it('compile(source).fit(data, { se: true }): the Poisson rate error √(λ̂/N)', () => {
    const y = [3, 0, 2, 5, 1, 4, 2, 2, 3, 1, 0, 6];
    const model = compile(`model pois { size N
      data y[N]: count
      param rate: positive
      for n in N { y[n] ~ Poisson(rate) } }`);
    const r = model.fit({ y }, { se: true });
    const rate = y.reduce((a, b) => a + b, 0) / y.length;
    expect(Math.abs((r.standardErrors?.rate as number) - Math.sqrt(rate / y.length))).toBeLessThan(1e-7);
    expect(model.fit({ y })).not.toHaveProperty('standardErrors');
  });
});
