/**
 * End to end: the real `emforge` binary in a child process, as a user runs it. Builds the
 * workspace first when dist/ is missing or older than any source file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, stackLine } from './run-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/emforge.js');
const packages = ['dsl', 'compiler', 'runtime', 'cli'];

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) t = Math.max(t, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return t;
}

function buildIsStale(): boolean {
  const built = Math.min(...packages.map((p) => newest(join(root, 'packages', p, 'dist'))));
  const sources = Math.max(...packages.map((p) => newest(join(root, 'packages', p, 'src'))));
  return built === 0 || built < sources;
}

function emforge(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', EMFORGE_DEBUG: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!buildIsStale()) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'pipe' });
}, 180_000);

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
