/**
 * The Student-t scale-mixture executor beyond the reference paths (student-t-peers) and
 * recovery (student-t-recovery): the objective never decreases for every model form over
 * several seeds, the same seed gives the same bits and the result survives JSON; posteriors
 * (E[u[n] | x[n]] by the latent's name, or `u`; responsibilities), AIC/BIC counts, fixed
 * params, a tied scale, an empty component re-seeded with a warning; and the E5001 refusals
 * (ν as a param, a precision that does not divide the scale as a precision).
 */
import { readFileSync } from 'node:fs';
import { lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { fitAny, root } from './fit-helpers.js';
import { mvtExplicit, mvtImplicit, tExplicit, tImplicit, tmixExplicit, tmixImplicit } from './student-t-models.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON
type Json = any;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`test/peers/student-t/${name}.json`, root), 'utf8'));

const mvt = fixture('mvt_d3');
const tuni = fixture('t_univariate');
const tmix = fixture('tmix_k2_d2');
const mvtData = { x: mvt.data.x, nu: mvt.data.nu[0] };
const tData = { y: tuni.data.x.map((r: number[]) => r[0]), nu: tuni.data.nu[0] };
const tmixData = { x: tmix.data.x, nu: tmix.data.nu };

const tiedScale = tmixImplicit
  .replace('model tmix_implicit', 'model tmix_tied')
  .replace('param  Sigma[K]: cov[D]', 'param  Sigma: cov[D]')
  .replace('Sigma[z[n]])', 'Sigma)');

const forms: readonly (readonly [string, string, Record<string, unknown>])[] = [
  ['multivariate t, explicit', mvtExplicit, mvtData],
  ['multivariate t, MvStudentT', mvtImplicit, mvtData],
  ['univariate t, explicit', tExplicit, tData],
  ['univariate t, StudentT', tImplicit, tData],
  ['t mixture, explicit', tmixExplicit, tmixData],
  ['t mixture, MvStudentT', tmixImplicit, tmixData],
  ['t mixture, tied scale', tiedScale, { ...tmixData, nu: [4, 4] }],
];

describe('Student-t scale mixtures: EM invariants', () => {
  it.each(forms)('%s: the objective never decreases (seeds 1-3, 2 restarts each)', (_name, model, data) => {
    for (const seed of [1, 2, 3]) {
      const r = fitAny(model, data, { seed, restarts: 2, maxIter: 300, tol: 1e-12 }).result;
      expect(r.warnings).toEqual([]);
      for (let t = 1; t < r.history.length; t++) {
        const prev = r.history[t - 1]!;
        expect(r.history[t]! - prev, `seed ${seed} iteration ${t}`).toBeGreaterThanOrEqual(-1e-10 * Math.abs(prev));
      }
      expect(Number.isFinite(r.logLik)).toBe(true);
    }
  });

  it.each(forms)('%s: same seed, same bits; JSON round trip is exact', (_name, model, data) => {
    const a = fitAny(model, data, { seed: 7, restarts: 2 });
    const b = fitAny(model, data, { seed: 7, restarts: 2 });
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
});

describe('Student-t scale mixtures: results', () => {
  it('reports E[u[n] | x[n]] under the latent name, or u, and counts free params from the declared types', () => {
    const explicit = fitAny(mvtExplicit, mvtData, { seed: 1 });
    const implicit = fitAny(mvtImplicit, mvtData, { seed: 1 });
    expect(Object.keys(explicit.posteriors.means!)).toEqual(['u']);
    expect(Object.keys(implicit.posteriors.means!)).toEqual(['u']);
    const renamed = fitAny(mvtExplicit.replaceAll('u[', 'w['), mvtData, { seed: 1 });
    expect(Object.keys(renamed.posteriors.means!)).toEqual(['w']);
    expect(explicit.result.nParams).toBe(3 + 6);
    expect(explicit.result.strategy).toBe('conjugate');
    const n = mvt.data.x.length;
    expect(explicit.result.bic).toBeCloseTo(-2 * explicit.result.logLik + 9 * Math.log(n), 9);
    // E[u | x] = (ν + D) / (ν + δ²) lies in (0, (ν + D) / ν].
    for (const u of explicit.posteriors.means!.u as number[]) {
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThanOrEqual((4 + 3) / 4);
    }
    const mix = fitAny(tmixImplicit, tmixData, { seed: 1 });
    expect(mix.result.nParams).toBe(1 + 4 + 6);
    expect(mix.result.strategy).toBe('enumerate+conjugate');
    expect(mix.posteriors.latents).toEqual(['z']);
    expect(mix.posteriors.states).toEqual(['z=0', 'z=1']);
    for (const row of mix.posteriors.responsibilities) expect(row[0]! + row[1]!).toBeCloseTo(1, 12);
    expect(mix.result.icl).toBeGreaterThan(mix.result.bic);
  });

  it('holds fixed params at their values and does not count them', () => {
    const mu = [1, -2, 0.5];
    const r = fitAny(mvtImplicit, mvtData, { seed: 1, fixed: { mu } }).result;
    expect(r.params.mu).toEqual(mu);
    expect(r.nParams).toBe(6);
    const w = [0.5, 0.5];
    const m = fitAny(tmixImplicit, tmixData, { seed: 1, fixed: { w } }).result;
    expect(m.params.w).toEqual(w);
    expect(m.nParams).toBe(10);
  });

  it('re-seeds an empty component once, with a warning, and goes on', () => {
    const init = {
      w: [0.5, 0.5],
      mu: [
        [0, 0],
        [1e30, 1e30],
      ],
      Sigma: [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
      ],
    };
    const r = fitAny(tmixImplicit, tmixData, { seed: 1, init, maxIter: 200 }).result;
    expect(r.warnings.filter((w) => w.includes('component 1 is empty'))).toHaveLength(1);
    expect(Number.isFinite(r.logLik)).toBe(true);
    expect((r.params.mu as number[][])[1]!.every((v) => Math.abs(v) < 100)).toBe(true);
  });

  it('runs the hard (classification) variant', () => {
    const r = fitAny(tmixImplicit, tmixData, { seed: 2, variant: 'hard' }).result;
    expect(Number.isFinite(r.logLik)).toBe(true);
    expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
  });
});

describe('Student-t scale mixtures: what the lowering refuses', () => {
  const why = (model: string) => {
    const lowered = lowerProgram(planSource(new SourceFile('model.em', model)));
    expect(lowered.value).toBeUndefined();
    expect(lowered.diagnostics.map((d) => d.code)).toEqual(['E5001']);
    return lowered.diagnostics[0]!.message;
  };

  it('ν as a param only as a Student-t (Gamma(nu / 2, nu / 2)); its fits are in student-t-nu-recovery.test.ts', () => {
    const explicit = mvtExplicit
      .replace('data   nu: positive', 'param  nu: positive')
      .replace('Gamma(nu / 2, nu / 2)', 'Gamma(nu, 1)');
    expect(why(explicit)).toContain('Gamma(nu / 2, nu / 2)');
  });

  it('a precision must divide the variance (the sd by its square root)', () => {
    expect(why(tExplicit.replace('s / sqrt(u[n])', 's / u[n]'))).toContain("'s / sqrt(u[n])'");
  });

  it('an elementwise StudentT over a vector has one precision per coordinate', () => {
    const vector = mvtImplicit.replace('MvStudentT(nu, mu, Sigma)', 'StudentT(nu, mu, 1)');
    expect(why(vector)).toMatch(/one real per item/);
  });
});
