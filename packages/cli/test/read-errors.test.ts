/** Files that cannot be read are diagnostic E0001 with exit 1, never an exception. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, stackLine } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'emforge-cli-'));
const latin1 = join(dir, 'latin1.em');
writeFileSync(latin1, Buffer.from([0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x20, 0xe9, 0xff, 0x0a]));
const missing = join(dir, 'no-such-model.em');

describe('unreadable files', () => {
  it.each([
    ['a missing file', missing, 'no such file'],
    ['a directory', dir, 'it is a directory'],
    ['a file that is not UTF-8', latin1, 'it is not UTF-8 text'],
  ])('%s is E0001 with exit 1', async (_what, path, reason) => {
    const r = await runCli(['check', '--no-color', path]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toContain(`error[E0001]: cannot read '${path}': ${reason}`);
    expect(r.out).toMatch(/^ {2}= hint: /m);
    expect(r.out).toMatch(/checked 1 file: 1 with errors \(1 error\)\n$/);
    expect(r.out).not.toMatch(stackLine);
  });

  it('--json reports E0001 without a span', async () => {
    const r = await runCli(['check', '--json', missing]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.files).toEqual([
      {
        path: missing,
        ok: false,
        diagnostics: [
          {
            code: 'E0001',
            severity: 'error',
            message: `cannot read '${missing}': no such file`,
            hint: 'check the path; model files end in .em',
          },
        ],
      },
    ]);
    expect(report.summary).toMatchObject({ files: 1, errors: 1, warnings: 0 });
  });
});

describe('colour', () => {
  const esc = '\u001b[';
  it('is on when stdout is a terminal', async () => {
    expect((await runCli(['check', missing], { isTTY: true })).out).toContain(esc);
  });
  it('is off when stdout is not a terminal', async () => {
    expect((await runCli(['check', missing])).out).not.toContain(esc);
  });
  it('is off with NO_COLOR, even on a terminal', async () => {
    expect((await runCli(['check', missing], { isTTY: true, env: { NO_COLOR: '1' } })).out).not.toContain(esc);
  });
  it('is off with --no-color, even on a terminal', async () => {
    expect((await runCli(['check', '--no-color', missing], { isTTY: true })).out).not.toContain(esc);
  });
  it('is on with --color, even into a pipe', async () => {
    expect((await runCli(['check', '--color', missing])).out).toContain(esc);
  });
  it('is never used in --json output', async () => {
    expect((await runCli(['check', '--json', missing], { isTTY: true })).out).not.toContain(esc);
  });
});
