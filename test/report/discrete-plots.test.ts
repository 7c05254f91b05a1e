/**
 * The report's plots for discrete models, against independent references: the Poisson–lognormal
 * pmf and the Gauss–Hermite rule against scipy's adaptive quadrature and numpy's hermgauss
 * (fixture test/peers/report-pmf/, made by poisson_lognormal_pmf.py); the fitted category
 * probabilities of the genetic-linkage and ABO models against their closed forms at the fitted
 * params; a regression mixture's density averaged over the items' covariates against the sum
 * written out; and which plots each discrete example gets.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choosePlots } from '../../packages/cli/src/report/choose-plots.js';
import { gaussHermite, poissonLognormalPmf } from '../../packages/cli/src/report/discrete-plots.js';
import { noFallback, reportCase } from './report-cases.js';

interface Fixture {
  readonly cases: { mu: number; sigma: number; y: number[]; pmf: number[] }[];
  readonly rules: { n: number; nodes: number[]; weights: number[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../peers/report-pmf/poisson-lognormal-pmf.json', import.meta.url), 'utf8'),
) as Fixture;

/** The fitted curve of a mixture-density plot: probability per value. */
function fittedCurve(spec: Record<string, unknown>): Map<number, number> {
  const values = (spec.data as { values: { layer: string; part?: string; x?: number; density?: number }[] }).values;
  return new Map(values.filter((v) => v.layer === 'curve' && v.part === 'mixture').map((v) => [v.x!, v.density!]));
}

describe('discrete plots', () => {
  it('computes Gauss–Hermite rules as numpy does', () => {
    for (const rule of fixture.rules) {
      const { nodes, weights } = gaussHermite(rule.n);
      // numpy lists nodes ascending; ours come largest first.
      const order = [...nodes.keys()].sort((a, b) => nodes[a]! - nodes[b]!);
      order.forEach((i, j) => {
        expect(nodes[i]).toBeCloseTo(rule.nodes[j]!, 12);
        expect(weights[i]! / rule.weights[j]!).toBeCloseTo(1, 10);
      });
    }
  });

  it('gives the Poisson–lognormal pmf of scipy quadrature', () => {
    for (const c of fixture.cases) {
      const pmf = poissonLognormalPmf(c.mu, c.sigma, c.y);
      for (const [i, ref] of c.pmf.entries()) expect(Math.abs(pmf[i]! - ref) / ref).toBeLessThan(1e-9);
    }
  });

  it('plots the observed category shares with the fitted probabilities of the closed forms', () => {
    const linkage = reportCase('genetic-linkage', [1], noFallback);
    const theta = linkage.input.result.params.theta as number;
    const plot = choosePlots(linkage.input).plots.find((p) => p.kind === 'mixture-density')!;
    const fitted = fittedCurve(plot.spec);
    const expected = [0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4];
    for (const [c, p] of expected.entries()) expect(fitted.get(c)).toBeCloseTo(p, 12);

    const abo = reportCase('abo-blood-groups', [1], noFallback);
    const [a, b, o] = abo.input.result.params.p as number[];
    const aboPlot = choosePlots(abo.input).plots.find((p) => p.kind === 'mixture-density')!;
    const phenotypes = [a! * a! + 2 * a! * o!, b! * b! + 2 * b! * o!, 2 * a! * b!, o! * o!];
    const aboFitted = fittedCurve(aboPlot.spec);
    for (const [c, p] of phenotypes.entries()) expect(aboFitted.get(c)).toBeCloseTo(p, 12);
  });

  it('averages a regression mixture over the covariates of the items (Poisson regressions)', () => {
    const c = reportCase('poisson-regression-mixture', [1], noFallback);
    const { w, beta } = c.input.result.params as { w: number[]; beta: number[][] };
    const X = c.input.data.variables.X!;
    const n = X.shape[0]!;
    const P = X.itemSize;
    const m = Math.min(n, 200);
    const items = Array.from({ length: m }, (_, j) => Math.floor((j * n) / m));
    const logFactorial = (y: number) => {
      let s = 0;
      for (let i = 2; i <= y; i++) s += Math.log(i);
      return s;
    };
    // p(y) = (1/m) Σ_i Σ_k w_k Poisson(y; exp(X_i · β_k)) over the same items, by hand.
    const byHand = (y: number) =>
      items.reduce((acc, i) => {
        let p = 0;
        for (const [k, wk] of w.entries()) {
          let eta = 0;
          for (let j = 0; j < P; j++) eta += X.values[i * P + j]! * beta[k]![j]!;
          p += wk * Math.exp(y * eta - Math.exp(eta) - logFactorial(y));
        }
        return acc + p / m;
      }, 0);
    const plot = choosePlots(c.input).plots.find((p) => p.kind === 'mixture-density')!;
    const fitted = fittedCurve(plot.spec);
    expect(fitted.size).toBeGreaterThan(3);
    for (const [y, p] of fitted) expect(Math.abs(p - byHand(y))).toBeLessThanOrEqual(1e-12 * Math.max(p, 1e-300));
  });

  it('gives LDA its topic–word bars and top words, and the Poisson–lognormal its pmf', () => {
    const lda = reportCase('lda', [1], noFallback);
    const kinds = choosePlots(lda.input).plots.map((p) => p.kind);
    expect(kinds).toEqual(['category-probabilities', 'top-words', 'trace']);
    const top = choosePlots(lda.input).plots[1]!;
    const topics = lda.input.result.params.topics as number[][];
    const rows = (top.spec.data as { values: { topic: string; rank: number; probability: number }[] }).values;
    for (const [k, row] of topics.entries()) {
      const best = [...row].sort((x, y) => y - x).slice(0, 8);
      expect(rows.filter((r) => r.topic === `topics[${k}]`).map((r) => r.probability)).toEqual(best);
    }
    const pln = reportCase('poisson-lognormal', [1], noFallback);
    expect(choosePlots(pln.input).plots.map((p) => p.kind)).toEqual(['count-pmf', 'trace']);
  });
});
