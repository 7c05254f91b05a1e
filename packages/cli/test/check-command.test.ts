/** `emforge check` on real models: exit codes, the per-file report, the summary and --json. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, stackLine } from './run-cli.js';

const gmm = fixture('gmm.em');
const poismix = fixture('poismix.em');
const broken = fixture('broken.em');
const missing = fixture('no-such-file.em');

describe('emforge check', () => {
  it('a clean model exits 0 and prints its model summary', async () => {
    const r = await runCli(['check', gmm]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `${gmm}: ok — model gmm`,
        '  sizes    N, D, K = 3',
        '  data     x[N]: real[D] ~ MvNormal',
        '  params   weights: simplex[K], mu[K]: real[D], Sigma[K]: cov[D]',
        '  latents  z[N]: cat[K] ~ Categorical',
        '  E-step   z: enumerate — finite latent z[n] with K states, independent across n: responsibilities by enumeration',
        '  M-step   weights: closed-form — p of Categorical, shared by all items (tied): normalised expected counts in closed form',
        '           mu: closed-form — mean of MvNormal, one per state of z: weighted mean in closed form',
        '           Sigma: closed-form — covariance of MvNormal (full covariance): weighted scatter of the residuals in closed form',
        '',
        'checked 1 file: all ok',
        '',
      ].join('\n'),
    );
  });

  it('shows a prior on a param in the summary', async () => {
    const r = await runCli(['check', poismix]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  params   w: simplex[K] ~ Dirichlet, rate[K]: positive\n');
  });

  it('a broken model exits 1 with a rendered diagnostic and no stack trace', async () => {
    const r = await runCli(['check', broken]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^${escapeRegExp(broken)}:11:\\d+: error\\[E\\d{4}\\]: `, 'm'));
    expect(r.out).toContain('y[n] ~ Poison(rate[z[n]])'); // the source line
    expect(r.out).toMatch(/^\s+\| +\^+$/m); // the caret line
    expect(r.out).toContain("did you mean 'Poisson'?");
    expect(r.out).not.toMatch(stackLine);
    expect(r.out).toMatch(/\nchecked 1 file: 1 with errors \(\d+ errors?\)\n$/);
  });

  it('checks several files in one run; one bad file makes the exit code 1', async () => {
    const r = await runCli(['check', gmm, broken, poismix, missing]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toContain(`${gmm}: ok — model gmm`);
    expect(r.out).toContain(`${poismix}: ok — model poismix`);
    expect(r.out).toContain(`error[E0001]: cannot read '${missing}'`);
    // Reports come in the order the files were given.
    const order = [gmm, broken, poismix, missing].map((p) => r.out.indexOf(p));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(r.out).toMatch(/\nchecked 4 files: 2 with errors \(\d+ errors\)\n$/);
  });

  it('--quiet prints only problems and the summary', async () => {
    const r = await runCli(['check', '--quiet', gmm, broken]);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('model gmm');
    expect(r.out).not.toContain('sizes');
    expect(r.out).toContain(`${broken}:11:`);
    expect(r.out).toMatch(/checked 2 files: 1 with errors/);
    const clean = await runCli(['check', '-q', gmm, poismix]);
    expect(clean).toEqual({ code: 0, out: 'checked 2 files: all ok\n', err: '' });
  });

  it('--json prints one object with every file, its diagnostics and, when clean, its model', async () => {
    const r = await runCli(['check', '--json', gmm, broken]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const report = JSON.parse(r.out);
    expect(Object.keys(report)).toEqual(['files', 'summary']);
    expect(report.files).toHaveLength(2);
    const [good, bad] = report.files;
    expect(good).toEqual({
      path: gmm,
      ok: true,
      diagnostics: [],
      model: {
        name: 'gmm',
        sizes: [{ name: 'N' }, { name: 'D' }, { name: 'K', default: 3 }],
        data: [{ name: 'x', dims: ['N'], type: 'real[D]', optional: false, distributions: ['MvNormal'] }],
        params: [
          { name: 'weights', dims: [], type: 'simplex[K]', optional: false, distributions: [] },
          { name: 'mu', dims: ['K'], type: 'real[D]', optional: false, distributions: [] },
          { name: 'Sigma', dims: ['K'], type: 'cov[D]', optional: false, distributions: [] },
        ],
        latents: [{ name: 'z', dims: ['N'], type: 'cat[K]', optional: false, distributions: ['Categorical'] }],
      },
      plan: {
        latents: [{ name: 'z', strategy: 'enumerate', reason: expect.any(String) }],
        params: [
          { name: 'weights', update: 'closed-form', reason: expect.any(String) },
          { name: 'mu', update: 'closed-form', reason: expect.any(String) },
          { name: 'Sigma', update: 'closed-form', reason: expect.any(String) },
        ],
      },
    });
    expect(bad.path).toBe(broken);
    expect(bad.ok).toBe(false);
    expect(bad.model).toBeUndefined();
    expect(bad.diagnostics.length).toBeGreaterThan(0);
    for (const d of bad.diagnostics) {
      expect(d.code).toMatch(/^[EWN]\d{4}$/);
      expect(['error', 'warning', 'note']).toContain(d.severity);
      expect(typeof d.message).toBe('string');
      expect(d.span).toMatchObject({ file: broken, line: expect.any(Number), col: expect.any(Number) });
    }
    const errors = bad.diagnostics.filter((d: { severity: string }) => d.severity === 'error').length;
    expect(report.summary).toMatchObject({ files: 2, errors, warnings: 0 });
  });

  it("'-' reads the model from standard input", async () => {
    const r = await runCli(['check', '-'], { stdin: readFileSync(gmm, 'utf8') });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^<stdin>: ok — model gmm$/m);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
