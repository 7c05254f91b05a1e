/** The command line itself: help, version, usage errors and their exit codes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

describe('emforge (no command)', () => {
  it('--help lists the check command and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: emforge /);
    expect(r.out).toMatch(/^\s+check\b.*$/m);
    expect(r.err).toBe('');
  });

  it('--version prints the version of packages/cli', async () => {
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('no arguments at all is a usage error: help on stderr, exit 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/Usage: emforge/);
  });

  it('an unknown command is a usage error', async () => {
    const r = await runCli(['frobnicate', 'x.em']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("unknown command 'frobnicate'");
  });

  it('`help check` shows the help of check', async () => {
    const r = await runCli(['help', 'check']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: emforge check \[options\] <files\.\.\.>/);
  });
});

describe('emforge check usage errors', () => {
  it('an unknown option exits 2 with the message and the usage on stderr', async () => {
    const r = await runCli(['check', '--frobnicate', fixture('gmm.em')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("error: unknown option '--frobnicate'");
    expect(r.err).toContain('Usage: emforge check [options] <files...>');
  });

  it('no files is a usage error', async () => {
    const r = await runCli(['check']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("missing required argument 'files'");
    expect(r.err).toContain('Usage: emforge check');
  });

  it('--help documents the options and the exit codes', async () => {
    const r = await runCli(['check', '--help']);
    expect(r.code).toBe(0);
    for (const option of ['--json', '--quiet', '--no-color']) expect(r.out).toContain(option);
    expect(r.out).toMatch(/Exit codes: 0 .*1 .*\n.*2 usage error, 70 internal error/);
  });

  it('--codes lists the catalogue, E0001 included, without needing files', async () => {
    const r = await runCli(['check', '--codes']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^E0001 {2}a model file cannot be read$/m);
  });
});
