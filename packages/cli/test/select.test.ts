/**
 * `emforge select`: Old Faithful with K = 1..4 against R mclust's VVV fits
 * (test/peers/select/old_faithful.mclust.json, made by make_mclust_select.R): the same
 * log-likelihood, parameter count and BIC where EM reaches mclust's optimum (K = 1, 2), a fit at
 * least as good elsewhere (K = 3, 4, where mclust's start ends at another local optimum — which
 * EM started from mclust's parameters keeps), and the same choice of K by BIC. Then the text
 * table, the other criteria, failing and degenerate sizes as rows, and usage errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '@emforge/cli';
import { describe, expect, it } from 'vitest';
import type { SelectTable } from '../src/select-file.js';
import { root } from './built-cli.js';
import { runCli } from './run-cli.js';

interface PeerRow {
  readonly K: number;
  readonly loglik: number;
  readonly df: number;
  readonly bic_lower: number;
  readonly params: Record<string, unknown>;
}
const peer = JSON.parse(readFileSync(join(root, 'test/peers/select/old_faithful.mclust.json'), 'utf8')) as {
  readonly best_K: number;
  readonly rows: readonly PeerRow[];
};
const model = join(root, 'examples/old-faithful-gmm/model.em');
const data = join(root, 'examples/old-faithful-gmm/data.json');
const args = ['select', model, '--data', data, '--size', 'K=1..4', '--tol', '1e-12'];

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('emforge select on Old Faithful, against R mclust (VVV)', async () => {
  const run = await runCli([...args, '--json']);
  const table = JSON.parse(run.out) as SelectTable;

  it('fits K = 1..4 and picks mclust’s K by BIC', () => {
    expect(run.code).toBe(0);
    expect(table.rows.map((r) => r.size)).toEqual([1, 2, 3, 4]);
    expect(table.criterion).toBe('bic');
    expect(table.convention).toBe('lower is better');
    expect(table.best).toBe(peer.best_K);
    expect(table.best).toBe(2);
  });

  it('agrees with mclust where EM reaches the same optimum, and is at least as good elsewhere', () => {
    for (const p of peer.rows) {
      const row = table.rows.find((r) => r.size === p.K)!;
      expect(row.nParams).toBe(p.df);
      expect(row.converged).toBe(true);
      if (p.K <= 2) {
        expect(rel(row.logLik!, p.loglik)).toBeLessThan(1e-10);
        expect(rel(row.bic!, p.bic_lower)).toBeLessThan(1e-10);
      } else {
        expect(row.logLik!).toBeGreaterThan(p.loglik);
      }
    }
  });

  it('EM started at mclust’s parameters stays at mclust’s optimum (K = 1..4; mclust adds no regCovar)', () => {
    const compiled = compile(readFileSync(model, 'utf8'));
    const raw = JSON.parse(readFileSync(data, 'utf8')) as object;
    for (const p of peer.rows) {
      const fit = compiled.fit(raw, { sizes: { K: p.K }, init: p.params, restarts: 1, tol: 1e-12, regCovar: 0 });
      expect(rel(fit.logLik, p.loglik)).toBeLessThan(1e-10);
    }
  });

  it('prints an mclust-style table with the best marked', async () => {
    const text = await runCli([...args.slice(0, 5), 'K=1..3', '--restarts', '3']);
    expect(text.code).toBe(0);
    const lines = text.out.split('\n');
    expect(lines[0]).toBe('old_faithful_gmm: K = 1..3, 3 restarts each (seed 1), 272 items');
    expect(lines[1]).toMatch(/^BIC, AIC, ICL: lower is better/);
    expect(lines[3]).toMatch(/^ {2}K +log-lik +params +BIC +AIC +ICL +converged$/);
    expect(lines[5]).toMatch(/^\* 2 +-1130\.2640 +11 +2322\.1917 /);
    expect(text.out).toContain('* best by BIC: K = 2\n');
  });
});

describe('emforge select, other cases', () => {
  it('picks by AIC when asked', async () => {
    const r = await runCli([...args.slice(0, 5), 'K=1..3', '--criterion', 'aic', '--restarts', '3', '--json']);
    const t = JSON.parse(r.out) as SelectTable;
    const aic = t.rows.map((row) => row.aic!);
    expect(t.best).toBe(t.rows[aic.indexOf(Math.min(...aic))]!.size);
  });

  it('a size at which the data do not bind is a row with its message', async () => {
    const r = await runCli(['select', model, '--data', data, '--size', 'D=1..3', '--size', 'K=2', '--json']);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out) as SelectTable;
    expect(t.rows[0]!.error).toMatch(/^E6009: .*D = 1/);
    expect(t.rows[2]!.error).toMatch(/^E6009: .*D = 3/);
    expect(t.best).toBe(2);
  });

  it('K larger than N: fitted, flagged degenerate, never chosen', async () => {
    const r = await runCli(['select', model, '--data', '-', '--size', 'K=1..5', '--restarts', '2'], {
      stdin: '{"x": [[1, 2], [2, 3.5], [3, 1], [4, 4.2]]}',
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\* 1 /m);
    expect(r.out).toMatch(/^ {2}5 .*\(degenerate: a component collapsed\)$/m);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['select', model, '--data', data, '--size', 'K=3'])).code).toBe(2);
    expect((await runCli(['select', model, '--data', data, '--size', 'K=1..3', '--size', 'D=1..2'])).code).toBe(2);
    expect((await runCli(['select', model, '--data', data, '--size', 'K=4..2'])).code).toBe(2);
    expect((await runCli(['select', model, '--data', data, '--size', 'K=1..2', '--criterion', 'x'])).code).toBe(2);
  });
});
