/**
 * `emforge fit --checkpoint FILE` / `--resume FILE`: the real binary killed (SIGKILL) after a
 * checkpoint appeared and resumed prints exactly the JSON of the fit never interrupted; saving
 * changes no result; a checkpoint of another model, of other data or other sizes, a corrupt
 * one, and options that disagree with the saved ones are refused with exit 1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, binEnv, ensureBuilt, root } from './built-cli.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'emforge-checkpoint-'));
const model = join(root, 'examples/old-faithful-gmm/model.em');
const data = join(root, 'examples/old-faithful-gmm/data.json');
const fitArgs = ['fit', model, '--data', data, '--restarts', '2', '--tol', '0', '--max-iter', '1500', '--json'];

interface SavedHeader {
  readonly state: { readonly restart: number; readonly iteration: number };
}

function readState(path: string): SavedHeader | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SavedHeader;
  } catch {
    return undefined; // not there yet
  }
}

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('a killed fit resumes to the uninterrupted result', () => {
  it('SIGKILL in the second run, then --resume, prints the same JSON', async () => {
    const file = join(dir, 'killed.json');
    const child = spawn(process.execPath, [bin, ...fitArgs, '--checkpoint', file, '--checkpoint-every', '50'], {
      cwd: root,
      env: binEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    let killedAt: SavedHeader | undefined;
    while (!killedAt) {
      await sleep(5);
      if (child.exitCode !== null) throw new Error('the fit ended before a checkpoint of its second run appeared');
      const saved = readState(file);
      if (saved && saved.state.restart === 1 && saved.state.iteration > 0) {
        child.kill('SIGKILL');
        killedAt = saved;
      }
    }
    expect(await exited).toBe('SIGKILL');
    expect(out).toBe('');
    expect(existsSync(file)).toBe(true);

    const resumed = spawnSync(process.execPath, [bin, 'fit', model, '--data', data, '--resume', file, '--json'], {
      cwd: root,
      env: binEnv,
      encoding: 'utf8',
    });
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    const uninterrupted = await runCli(fitArgs);
    expect(uninterrupted.code).toBe(0);
    expect(resumed.stdout).toBe(uninterrupted.out);
    const result = JSON.parse(resumed.stdout) as { history: number[]; iterations: number };
    expect(result.iterations).toBe(1500);
  }, 60_000);
});

describe('checkpoints in process', () => {
  const args = ['fit', model, '--data', data, '--restarts', '2', '--max-iter', '300', '--json'];

  it('saving changes nothing, and resuming a finished checkpoint gives the same result', async () => {
    const file = join(dir, 'plain.json');
    const plain = await runCli(args);
    const saving = await runCli([...args, '--checkpoint', file, '--checkpoint-every', '3']);
    expect(saving).toEqual(plain);
    const again = await runCli(['fit', model, '--data', data, '--resume', file, '--json']);
    expect(again).toEqual(plain);
  });

  it('refuses another model, other data, other sizes, other options and a corrupt file', async () => {
    const file = join(dir, 'refuse.json');
    expect((await runCli([...args, '--checkpoint', file, '--checkpoint-every', '3'])).code).toBe(0);

    const otherModel = join(dir, 'tied.em');
    const tied = readFileSync(model, 'utf8')
      .replace('param  Sigma[K]: cov[D]', 'param  Sigma: cov[D]')
      .replace('Sigma[z[n]]', 'Sigma');
    expect(tied).not.toBe(readFileSync(model, 'utf8'));
    writeFileSync(otherModel, tied);
    const m = await runCli(['fit', otherModel, '--data', data, '--resume', file]);
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/^error: --resume .*refuse\.json: the checkpoint was made for another model/);

    const otherData = join(dir, 'data.json');
    const x = (JSON.parse(readFileSync(data, 'utf8')) as { x: number[][] }).x.slice(1);
    writeFileSync(otherData, JSON.stringify({ x }));
    const d = await runCli(['fit', model, '--data', otherData, '--resume', file]);
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/the checkpoint was made with other data/);

    const s = await runCli(['fit', model, '--data', data, '--resume', file, '--size', 'K=3']);
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/other data \(or other --size values\)/);

    const o = await runCli(['fit', model, '--data', data, '--resume', file, '--seed', '2', '--restarts', '2']);
    expect(o.code).toBe(1);
    expect(o.err).toBe('error: --seed differs from the value the checkpoint was made with; leave it out to resume\n');

    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "something else"}');
    const c = await runCli(['fit', model, '--data', data, '--resume', corrupt]);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/not an emforge checkpoint/);
    expect((await runCli(['fit', model, '--data', data, '--checkpoint-every', '5'])).code).toBe(2);
    const missing = await runCli(['fit', model, '--data', data, '--resume', join(dir, 'none.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read the file/);
  });
});
