/**
 * The linear-Gaussian chain (Kalman filter + RTS smoother): its log-likelihood at given params
 * against an independent reference (test/peers/kalman/kalman.json, made by make_kalman.py: a
 * numpy Kalman filter and, as a second check, the joint Gaussian of each whole sequence with
 * scipy's multivariate_normal), for several ragged sequences with full covariances and for one
 * sequence with offsets and diagonal (Normal) noise; EM never decreases the log-likelihood;
 * and EM recovers the simulated parameters of the example up to the model's invariance
 * (f → T f), compared through similarity invariants: the trace and determinant of A and the
 * stationary observation autocovariances Γ0 = C Σ Cᵀ + R, Γ1 = C A Σ Cᵀ (Σ = A Σ Aᵀ + Q).
 */
import { readFileSync } from 'node:fs';
import type { ParamValue } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { fitAny, readExample, root } from './fit-helpers.js';

type M = number[][];
interface Evaluation {
  readonly params: { A: M; a: number[]; Q: M; C: M; c: number[]; R: M; m0: number[]; P0: M };
  readonly kalman: number;
  readonly joint: number;
}
const fixture = JSON.parse(readFileSync(new URL('test/peers/kalman/kalman.json', root), 'utf8')) as {
  cases: { name: string; x: number[][][]; evaluations: Evaluation[] }[];
};

const ragged = readExample('linear-gaussian-chain').model;

/** One sequence, offsets in both means, diagonal noise given by sds (Normal statements). */
const single = `
model single {
  size T, D
  size L = 3
  data   x[T]: real[D]
  param  A: real[L, L]
  param  a: real[L]
  param  q: positive[L]
  param  C: real[D, L]
  param  c: real[D]
  param  r: positive[D]
  param  m0: real[L]
  param  s0: positive[L]
  latent f[T]: real[L]
  f[0] ~ Normal(m0, s0)
  for t in 1..T { f[t] ~ Normal(A * f[t - 1] + a, q) }
  for t in T { x[t] ~ Normal(C * f[t] + c, r) }
}`;

const sds = (m: M) => m.map((row, i) => Math.sqrt(row[i]!));

function modelOf(name: string): {
  model: string;
  data: (x: number[][][]) => unknown;
  params: (e: Evaluation) => Record<string, ParamValue>;
} {
  if (name === 'ragged_l2_d3')
    return {
      model: ragged,
      data: (x) => ({ x }),
      params: ({ params: p }) => ({ A: p.A, Q: p.Q, C: p.C, R: p.R, m0: p.m0, P0: p.P0 }),
    };
  return {
    model: single,
    data: (x) => ({ x: x[0] }),
    params: ({ params: p }) => ({ A: p.A, a: p.a, q: sds(p.Q), C: p.C, c: p.c, r: sds(p.R), m0: p.m0, s0: sds(p.P0) }),
  };
}

describe('linear-Gaussian chain', () => {
  const evaluations = fixture.cases.flatMap((c) =>
    c.evaluations.map((e, k) => ({ ...c, e, label: `${c.name} #${k}` })),
  );

  it.each(evaluations)('log-likelihood at given params: $label', ({ name, x, e }) => {
    expect(Math.abs(e.kalman - e.joint) / Math.abs(e.joint)).toBeLessThan(1e-12);
    const m = modelOf(name);
    const { result } = fitAny(m.model, m.data(x), { init: m.params(e), maxIter: 0 });
    expect(Math.abs(result.logLik - e.kalman) / Math.abs(e.kalman)).toBeLessThan(1e-9);
    expect(Math.abs(result.logLik - e.joint) / Math.abs(e.joint)).toBeLessThan(1e-9);
  });

  it.each(fixture.cases)('EM never decreases the log-likelihood: $name', ({ name, x }) => {
    const m = modelOf(name);
    for (const seed of [1, 2, 3]) {
      const { result } = fitAny(m.model, m.data(x), { seed, maxIter: 150, tol: 0 });
      for (let t = 1; t < result.history.length; t++)
        expect(result.history[t]! - result.history[t - 1]!, `seed ${seed} iteration ${t}`).toBeGreaterThanOrEqual(
          -1e-10 * Math.abs(result.history[t - 1]!),
        );
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
    }
  });

  it('EM recovers the example parameters up to a change of state basis', () => {
    const { data } = readExample('linear-gaussian-chain');
    const truth = JSON.parse(
      readFileSync(new URL('examples/linear-gaussian-chain/truth.json', root), 'utf8'),
    ) as Record<string, M | number[]>;
    const atTruth = fitAny(ragged, data, { init: truth, maxIter: 0 }).result;
    const { result, posteriors } = fitAny(ragged, data, { seed: 1, maxIter: 60, tol: 0, accelerate: 'squarem' });
    // Maximum likelihood: at least the likelihood of the truth, and not implausibly more
    // (twice the gain is about χ² with ~20 degrees of freedom).
    expect(result.logLik).toBeGreaterThanOrEqual(atTruth.logLik);
    expect(result.logLik - atTruth.logLik).toBeLessThan(30);
    const fit = result.params as Record<string, M>;
    const [t0, t1] = [invariants(truth as Record<string, M>), invariants(fit)];
    expect(t1.trace).toBeCloseTo(t0.trace, 1);
    expect(t1.det).toBeCloseTo(t0.det, 1);
    for (const lag of ['g0', 'g1'] as const) {
      const scale = Math.max(...t0[lag].flat().map(Math.abs));
      for (const [i, row] of t0[lag].entries())
        for (const [j, v] of row.entries())
          expect(Math.abs(t1[lag][i]![j]! - v) / scale, `${lag}[${i}][${j}]`).toBeLessThan(0.1);
    }
    const steps = (data as { x: number[][][] }).x.reduce((s, seq) => s + seq.length, 0);
    expect(posteriors.means?.f).toHaveLength(steps);
  });
});

const mul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const add = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));

function invariants(p: Record<string, M>) {
  const { A, Q, C, R } = p as { A: M; Q: M; C: M; R: M };
  let sigma = Q;
  for (let k = 0; k < 5000; k++) sigma = add(mul(mul(A, sigma), tr(A)), Q);
  return {
    trace: A[0]![0]! + A[1]![1]!,
    det: A[0]![0]! * A[1]![1]! - A[0]![1]! * A[1]![0]!,
    g0: add(mul(mul(C, sigma), tr(C)), R),
    g1: mul(mul(mul(C, A), sigma), tr(C)),
  };
}
