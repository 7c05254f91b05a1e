/** A bug inside a phase prints "internal error, please report" and exits 70; the stack only with EMFORGE_DEBUG=1. */
import { InternalError } from '@emforge/dsl';
import { describe, expect, it, vi } from 'vitest';
import { fixture, runCli, stackLine } from './run-cli.js';

vi.mock('@emforge/compiler', () => ({
  planSource: () => {
    throw new InternalError('a broken invariant');
  },
}));

describe('internal errors', () => {
  it('are reported in one line with exit 70, the other files still checked', async () => {
    const r = await runCli(['check', fixture('gmm.em'), fixture('no-such-file.em')]);
    expect(r.code).toBe(70);
    expect(r.err).toContain('emforge: internal error, please report: a broken invariant');
    expect(r.err).not.toMatch(stackLine);
    expect(r.out).toContain('E0001');
    expect(r.out).toMatch(/checked 2 files: 1 with errors, 1 failed with an internal error \(1 error\)\n$/);
  });

  it('show the stack with EMFORGE_DEBUG=1', async () => {
    const r = await runCli(['check', fixture('gmm.em')], { env: { EMFORGE_DEBUG: '1' } });
    expect(r.code).toBe(70);
    expect(r.err).toMatch(stackLine);
  });

  it('appear in --json as internalError', async () => {
    const r = await runCli(['check', '--json', fixture('gmm.em')]);
    expect(r.code).toBe(70);
    expect(JSON.parse(r.out).files[0]).toMatchObject({ ok: false, internalError: 'a broken invariant' });
  });
});
