/**
 * End to end: the real `emforge` binary in a child process, as a user runs it. Builds the
 * workspace first when dist/ is missing or older than any source file.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, binEnv, bundle, ensureBuilt, root } from './built-cli.js';
import { fixture, stackLine } from './run-cli.js';

function emforge(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: binEnv });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The same command through the unbundled build (dist/main.js and its modules). */
function unbundled(...args: string[]) {
  const entry = `const { main } = await import(${JSON.stringify(join(root, 'packages/cli/dist/main.js'))}); process.exitCode = await main(${JSON.stringify(args)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', entry], {
    cwd: root,
    encoding: 'utf8',
    env: binEnv,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => ensureBuilt(), 180_000);

describe('the bundled command', () => {
  it('is what bin/emforge.js runs, and it says the same as the separate modules', () => {
    expect(readFileSync(bundle, 'utf8')).toContain('packages/cli/dist/main.js');
    const gmm = join(root, 'examples/old-faithful-gmm');
    for (const args of [
      ['--version'],
      ['check', fixture('broken.em'), fixture('gmm.em')],
      ['explain', join(gmm, 'model.em')],
      ['fit', join(gmm, 'model.em'), '--data', join(gmm, 'data.json'), '--restarts', '2', '--json', '--posteriors'],
      ['fit', join(gmm, 'model.em'), '--data', join(gmm, 'data.json'), '--threads', '2', '--quiet'],
      ['compile', join(gmm, 'model.em'), '--standalone'],
    ]) {
      expect(emforge(...args), args.join(' ')).toEqual(unbundled(...args));
    }
  }, 60_000);
});

describe('the emforge binary', () => {
  it('prints its version', () => {
    expect(emforge('--version')).toMatchObject({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it('reports a broken model with exit 1 and no stack trace', () => {
    const r = emforge('check', fixture('broken.em'), fixture('gmm.em'), fixture('no-such-file.em'));
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/broken\.em:\d+:\d+: error\[E\d{4}\]: /);
    expect(r.out).toContain('E0001');
    expect(r.out).toContain('ok — model gmm');
    expect(r.out).toMatch(/checked 3 files: 2 with errors/);
    expect(r.out + r.err).not.toMatch(stackLine);
    expect(r.out + r.err).not.toContain('internal error');
  });

  it('exits 2 on a usage error', () => {
    const r = emforge('check', '--frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--frobnicate'");
  });
});
