/**
 * Parameter recovery: 50 sequences of 100–500 steps simulated from known parameters
 * (test/peers/hmm, make_hmm.py), categorical (the dishonest casino) and Normal emissions.
 * EM from its own initialisation (3 restarts) must land within 4.5 standard errors of the
 * generating values for every entry. Standard errors come from the observed information:
 * minus the Hessian of the observed-data log-likelihood (the forward algorithm's, i.e. the
 * E-step's objective) by central differences over the free coordinates — a simplex row moves
 * along e_j − e_last, every other entry on its own — inverted; SE(θ_e) = √(gᵀ C g) with g the
 * entry's coefficients in those coordinates (as test/fit/recovery-helpers.ts for mixtures). With
 * ~15 entries per model a 4.5σ excursion has probability below 1e-4 per run; the data are fixed.
 */
import { type Chain, eStepChain, fitAnyProgram, flattenValue, type ParamValue, prepareChain } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { type Params, prepareChainModel, readHmmFixture } from './hmm-fixtures.js';
import { observedCovariance } from './recovery-helpers.js';

/** A free coordinate: (param, flat entry, coefficient) triples. */
type Direction = readonly { readonly name: string; readonly entry: number; readonly coef: number }[];

function directions(chain: Chain): Direction[] {
  const out: Direction[] = [];
  for (const p of chain.mix.params) {
    for (let e = 0; e < p.elements; e++) {
      const at = e * p.elementSize;
      for (let j = 0; j < (p.spec.element === 'simplex' ? p.elementSize - 1 : p.elementSize); j++) {
        out.push(
          p.spec.element === 'simplex'
            ? [
                { name: p.spec.name, entry: at + j, coef: 1 },
                { name: p.spec.name, entry: at + p.elementSize - 1, coef: -1 },
              ]
            : [{ name: p.spec.name, entry: at + j, coef: 1 }],
        );
      }
    }
  }
  return out;
}

function standardErrors(chain: Chain, est: Params, h = 1e-4): Record<string, number[]> {
  const flat: Record<string, Float64Array> = {};
  for (const p of chain.mix.params) flat[p.spec.name] = Float64Array.from(flattenValue(est[p.spec.name]!));
  const dirs = directions(chain);
  const m = dirs.length;
  const f = (steps: readonly (readonly [number, number])[]) => {
    const v: Record<string, Float64Array> = {};
    for (const [name, x] of Object.entries(flat)) v[name] = x.slice();
    for (const [c, s] of steps) for (const d of dirs[c]!) v[d.name]![d.entry]! += d.coef * s;
    return eStepChain(chain, v).objective;
  };
  const cov = observedCovariance(f, m, h);
  const out: Record<string, number[]> = {};
  for (const [name, x] of Object.entries(flat)) {
    out[name] = Array.from(x, (_, e) => {
      const g = dirs.map((d) => d.find((q) => q.name === name && q.entry === e)?.coef ?? 0);
      let v = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) v += g[a]! * cov[a]![b]! * g[b]!;
      return Math.sqrt(v);
    });
  }
  return out;
}

/** The states of the estimate permuted to the truth's (init entries, trans rows and columns, per-state params). */
function relabel(est: Params, truth: Params, perState: readonly string[]): Params {
  const K = (truth.init as number[]).length;
  const perms = (k: number): number[][] =>
    k === 0
      ? [[]]
      : perms(k - 1).flatMap((p) => Array.from({ length: k }, (_, i) => [...p.slice(0, i), k - 1, ...p.slice(i)]));
  const apply = (perm: number[]): Params => {
    const out: Params = { ...est };
    out.init = perm.map((p) => (est.init as number[])[p]!);
    out.trans = perm.map((p) => perm.map((q) => (est.trans as number[][])[p]![q]!));
    for (const name of perState) out[name] = perm.map((p) => (est[name] as ParamValue[])[p]!);
    return out;
  };
  let best = apply(perms(K)[0]!);
  let bestCost = Number.POSITIVE_INFINITY;
  for (const perm of perms(K)) {
    const cand = apply(perm);
    let cost = 0;
    for (const name of perState) {
      const a = flattenValue(cand[name]!);
      const b = flattenValue(truth[name]!);
      a.forEach((v, i) => {
        cost += (v - b[i]!) ** 2;
      });
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = cand;
    }
  }
  return best;
}

// SQUAREM for the casino, whose overlapping states make plain EM crawl (it also ends higher there).
describe.each([
  ['categorical', ['emit'], 'squarem'],
  ['gaussian', ['mu', 'sd'], 'none'],
] as const)('HMM %s: recovery from 50 simulated sequences', (name, perState, accelerate) => {
  it('every entry within 4.5 standard errors of the generating value', () => {
    const fixture = readHmmFixture(name);
    const { program, data } = prepareChainModel(fixture.model, fixture.data);
    const { result } = fitAnyProgram(program, data, { seed: 5, restarts: 3, tol: 1e-10, accelerate });
    expect(result.warnings).toEqual([]);
    expect(result.converged).toBe(true);
    const est = relabel(result.params as Params, fixture.truth, perState);
    const se = standardErrors(prepareChain(program, data), est);
    for (const [param, truth] of Object.entries(fixture.truth)) {
      const want = flattenValue(truth);
      const got = flattenValue(est[param]!);
      got.forEach((v, i) => {
        const ratio = Math.abs(v - want[i]!) / se[param]![i]!;
        expect(ratio, `${param}[${i}]: ${v} vs ${want[i]} (SE ${se[param]![i]})`).toBeLessThan(4.5);
      });
    }
    // The fit is at least as good as the generating parameters (it is the MLE, they are not).
    expect(result.logLik).toBeGreaterThanOrEqual(fixture.loglik_truth);
  });
});
