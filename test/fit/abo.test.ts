/**
 * The ABO blood-group allele problem (test/peers/abo/abo.json, examples/abo-blood-groups): two
 * latent alleles per person enumerated jointly (product space) and a fixed 0/1 genotype →
 * phenotype table given as data, with exact zeros. The fit must reproduce the reference MLE
 * (gene counting, checked there against a direct optimiser and the score root) and its
 * log-likelihood, and EM from (1/3, 1/3, 1/3) must follow the reference's stored path.
 *
 * Log-likelihood convention: the data are one phenotype per person, so emforge's observed-data
 * log-likelihood is Σ_n log P(y_n) = Σ_ph n_ph log P(ph), which is the fixture's `loglik` (the
 * multinomial coefficient excluded, stored apart as `log_multinomial_coefficient`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { lowerFitProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { fitModel, readExample, root } from './fit-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON
type Json = any;

const fixtureUrl = new URL('test/peers/abo/abo.json', root);
const fixture: Json = existsSync(fixtureUrl) ? JSON.parse(readFileSync(fixtureUrl, 'utf8')) : undefined;
const { model, data } = readExample('abo-blood-groups');

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe.skipIf(!fixture)('ABO blood groups (test/peers/abo)', () => {
  it('the example data are the fixture counts, one phenotype per person, and a 0/1 table', () => {
    const { y, pheno } = data as { y: number[]; pheno: number[][][] };
    const counts = [0, 1, 2, 3].map((k) => y.filter((v) => v === k).length);
    expect(counts).toEqual([fixture.counts.A, fixture.counts.B, fixture.counts.AB, fixture.counts.O]);
    expect(y).toHaveLength(fixture.n);
    // alleles A, B, O = 0, 1, 2; phenotypes A, B, AB, O = 0, 1, 2, 3
    const phenotypeOf = [
      [0, 2, 0],
      [2, 1, 1],
      [0, 1, 3],
    ];
    expect(pheno.map((row) => row.map((v) => v.indexOf(1)))).toEqual(phenotypeOf);
    expect(pheno.flat(2).filter((v) => v !== 0 && v !== 1)).toEqual([]);
  });

  it('plans both alleles as one enumerated product space', () => {
    const outcome = planSource(new SourceFile('model.em', model));
    const program = lowerFitProgram(outcome).value;
    expect(program?.strategy).toBe('enumerate');
    expect(program?.latents.map((l) => l.name)).toEqual(['a1', 'a2']);
    for (const l of outcome.plan?.latents ?? []) {
      expect(l.strategy).toBe('enumerate');
      expect(l.jointWith.length).toBe(1);
    }
  });

  it('reproduces the MLE and its log-likelihood', () => {
    const r = fitModel(model, data, { restarts: 10, seed: 7, tol: 0, maxIter: 200 });
    const p = r.params.p as number[];
    const mle = fixture.mle_em;
    expect(Math.max(...[mle.pA, mle.pB, mle.pO].map((v: number, k) => Math.abs(p[k]! - v)))).toBeLessThan(1e-6);
    // Agreement with the other two reference solutions, and the textbook four decimals.
    expect(Math.abs(p[0]! - fixture.mle_score_root.pA)).toBeLessThan(1e-6);
    expect(p.map((v) => Math.round(v * 1e4) / 1e4)).toEqual([
      fixture.textbook_4dp.pA,
      fixture.textbook_4dp.pB,
      fixture.textbook_4dp.pO,
    ]);
    expect(relDiff(r.logLik, mle.loglik), `${r.logLik} vs ${mle.loglik}`).toBeLessThan(1e-9);
    // The count-level multinomial log-likelihood adds the coefficient.
    expect(relDiff(r.logLik + fixture.log_multinomial_coefficient, mle.loglik + 503.1988388626096)).toBeLessThan(1e-9);
    // The −∞ log-densities of the table's zeros never become NaN.
    expect(r.history.every(Number.isFinite)).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.nParams).toBe(2);
  });

  it('follows the reference EM path from (1/3, 1/3, 1/3)', () => {
    const path: Json[] = fixture.em_path;
    const init = { p: path[0].p as number[] };
    const full = fitModel(model, data, { init, restarts: 1, tol: 0, maxIter: path.length - 1 });
    expect(full.history).toHaveLength(path.length);
    full.history.forEach((ll, t) => {
      expect(relDiff(ll, path[t].loglik), `log-likelihood at iteration ${t}`).toBeLessThan(1e-12);
    });
    for (const step of path.slice(1)) {
      const r = fitModel(model, data, { init, restarts: 1, tol: 0, maxIter: step.iteration });
      expect(r.iterations).toBe(step.iteration);
      const p = r.params.p as number[];
      expect(
        Math.max(...p.map((v, k) => Math.abs(v - step.p[k]))),
        `p after ${step.iteration} iterations`,
      ).toBeLessThan(1e-12);
      expect(relDiff(r.logLik, step.loglik)).toBeLessThan(1e-12);
    }
  });

  it('handles a phenotype no genotype can show as an impossible item, not NaN', () => {
    const { pheno } = data as { pheno: number[][][] };
    // Make phenotype AB impossible: every genotype row puts zero mass on it (A/B shows as A).
    const noAB = pheno.map((row, a) => row.map((v, b) => (a + b === 1 ? [1, 0, 0, 0] : v)));
    const r = fitModel(model, { y: [0, 2, 3], pheno: noAB }, { restarts: 1, seed: 1, maxIter: 5 });
    expect(r.logLik).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(r.logLik)).toBe(false);
    expect((r.params.p as number[]).every(Number.isFinite)).toBe(true);
  });
});
